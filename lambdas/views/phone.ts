import type { Survey } from '../domain/surveys/survey';
import { promptFor } from '../domain/outreach/phone/answers';
import type { Turn } from '../domain/outreach/phone/conversation';
import { twimlDocument } from './twiml';

const SORRY = "Sorry, I didn't get that.";
const greeting = (survey: Survey) => `Thank you for calling. ${survey.intro ?? 'Please answer a few short questions about your experience.'}`;
export const GOODBYE = 'Thank you for your feedback. Goodbye.';
export const NO_SURVEY = 'Sorry, there is no survey on this number. Goodbye.';
const NUMBER_HINTS = 'zero, one, two, three, four, five, six, seven, eight, nine, ten, yes, no';

const voiceText = (survey: Survey, turn: Extract<Turn, { kind: 'ask' }>, first: boolean) =>
  [first ? greeting(survey) : '', turn.retry ? SORRY : '', promptFor(turn.question, 'voice')].filter(Boolean).join(' ');

/** TwiML for the next IVR step: ask with <Gather> (keypad and speech), or thank and hang up. */
export function twilioVoiceTwiml(survey: Survey | undefined, turn: Turn | undefined, options: { actionUrl: string; first: boolean }): string {
  if (!survey || !turn) return twimlDocument([{ verb: 'Say', content: NO_SURVEY }, { verb: 'Hangup' }]);
  if (turn.kind === 'done') return twimlDocument([{ verb: 'Say', content: GOODBYE }, { verb: 'Hangup' }]);
  const freeText = turn.question.type === 'text';
  const gather = {
    input: freeText ? ['speech'] : ['dtmf', 'speech'],
    action: options.actionUrl,
    method: 'POST',
    timeout: 6,
    speechTimeout: 'auto',
    language: survey.language === 'en' ? 'en-US' : survey.language,
    actionOnEmptyResult: true,
    ...(!freeText && { finishOnKey: '#', hints: NUMBER_HINTS }),
  };
  return twimlDocument([
    { verb: 'Gather', attributes: gather, content: [{ verb: 'Say', content: voiceText(survey, turn, options.first) }] },
    // No input at all: Twilio falls through to here; count it as a failed attempt.
    { verb: 'Redirect', attributes: { method: 'POST' }, content: options.actionUrl },
  ]);
}

/** TwiML reply to a text message. */
export function twilioSmsTwiml(text: string | undefined): string {
  return twimlDocument(text ? [{ verb: 'Message', content: text }] : []);
}

export type Ncco = Record<string, unknown>[];

/** Vonage NCCO for the next IVR step: talk + input (DTMF and speech), or a goodbye. */
export function vonageNcco(survey: Survey | undefined, turn: Turn | undefined, options: { eventUrl: string; first: boolean }): Ncco {
  if (!survey || !turn) return [{ action: 'talk', text: NO_SURVEY }];
  if (turn.kind === 'done') return [{ action: 'talk', text: GOODBYE }];
  const freeText = turn.question.type === 'text';
  return [
    { action: 'talk', text: voiceText(survey, turn, options.first), bargeIn: true, language: 'en-US' },
    {
      action: 'input',
      type: freeText ? ['speech'] : ['dtmf', 'speech'],
      ...(!freeText && { dtmf: { maxDigits: 2, submitOnHash: true, timeOut: 6 } }),
      speech: { language: 'en-US', endOnSilence: freeText ? 2 : 1, maxDuration: freeText ? 60 : 10, ...(!freeText && { context: NUMBER_HINTS.split(', ') }) },
      eventUrl: [options.eventUrl],
      eventMethod: 'POST',
    },
  ];
}
