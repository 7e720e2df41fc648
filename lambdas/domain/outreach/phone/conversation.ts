import { keyedResponseId } from '../../intake/submissions';
import type { Answers, Channel, SurveyResponse } from '../../surveys/response';
import { parseAnswers } from '../../surveys/response';
import { withScores } from '../../scoring/scoring';
import { retentionExpiry, type Survey } from '../../surveys/survey';
import type { Question } from '../../surveys/survey-schema';
import { interpretAnswer, leadingNumber, type PhoneInput } from './answers';

/** An IVR call or SMS exchange working through a survey one question at a time. */
export interface Conversation {
  /** `<channel>#<provider id>`: CallSid, Vonage call uuid, or the texter's number. */
  readonly id: string;
  readonly channel: Extract<Channel, 'sms' | 'voice-twilio' | 'voice-vonage'>;
  readonly surveyId: string;
  /** Names the response; stable for the whole conversation. */
  readonly responseKey: string;
  readonly customerId?: string;
  readonly phone?: string;
  /** Index of the question being asked; equal to the number of questions when done. */
  readonly index: number;
  /** Failed attempts at the current question. */
  readonly attempts: number;
  readonly answers: Answers;
  readonly status: 'active' | 'ended';
  /** Provider step ids already applied, so a retried webhook changes nothing. */
  readonly steps: readonly string[];
  readonly startedAt: string;
  /** Seconds since the epoch (table TTL). */
  readonly expiresAt: number;
  /** Optimistic-lock counter. */
  readonly version: number;
  /** For a texted invitation: when the provider accepted it, and its message id. */
  readonly invitationSentAt?: string;
  readonly invitationMessageId?: string;
}

/** A question is asked at most twice: invalid or missing input is re-asked once, then skipped. */
export const MAX_ATTEMPTS = 2;
const CONVERSATION_TTL_SECONDS = { sms: 3 * 86400, 'voice-twilio': 86400, 'voice-vonage': 86400 } as const;
const MAX_REMEMBERED_STEPS = 50;

export function startConversation(
  survey: Survey,
  init: { id: string; channel: Conversation['channel']; responseKey: string; customerId?: string; phone?: string },
  now: Date,
): Conversation {
  return {
    ...init,
    surveyId: survey.id,
    index: 0,
    attempts: 0,
    answers: {},
    status: 'active',
    steps: [],
    startedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + CONVERSATION_TTL_SECONDS[init.channel],
    version: 0,
  };
}

export const currentQuestion = (survey: Survey, c: Conversation): Question | undefined =>
  c.status === 'active' ? survey.questions[c.index] : undefined;

export type Turn =
  /** Ask (or re-ask) the current question. */
  | { readonly kind: 'ask'; readonly question: Question; readonly retry: boolean }
  | { readonly kind: 'done' };

export const turnOf = (survey: Survey, c: Conversation): Turn => {
  const question = currentQuestion(survey, c);
  return question ? { kind: 'ask', question, retry: c.attempts > 0 } : { kind: 'done' };
};

/**
 * Applies one input to the current question. A step seen before (a provider retry) returns the
 * conversation unchanged. SMS replies like "9 great service" also fill the next free-text question.
 */
export function applyInput(survey: Survey, c: Conversation, input: PhoneInput, step: string): { conversation: Conversation; changed: boolean } {
  const question = currentQuestion(survey, c);
  if (!question || c.steps.includes(step)) return { conversation: c, changed: false };
  const steps = [...c.steps, step].slice(-MAX_REMEMBERED_STEPS);
  const value = interpretAnswer(question, input);
  if (value === undefined) {
    const attempts = c.attempts + 1;
    const skip = attempts >= MAX_ATTEMPTS;
    return { conversation: finish(survey, { ...c, steps, attempts: skip ? 0 : attempts, index: skip ? c.index + 1 : c.index }), changed: true };
  }
  const answers: Answers = { ...c.answers, [question.id]: value };
  // "9 great service": the words after a score answer the next free-text question, which is then not asked.
  const said = input.text ?? input.speech;
  const remark = said !== undefined && typeof value === 'number' ? leadingNumber(said)?.rest : undefined;
  const commentQuestion = survey.questions.slice(c.index + 1).find((q) => q.type === 'text' && answers[q.id] === undefined);
  if (remark && commentQuestion) answers[commentQuestion.id] = remark.slice(0, 2000);
  let index = c.index + 1;
  while (index < survey.questions.length && answers[survey.questions[index].id] !== undefined) index += 1;
  return { conversation: finish(survey, { ...c, steps, attempts: 0, index, answers }), changed: true };
}

const finish = (survey: Survey, c: Conversation): Conversation => (c.index >= survey.questions.length ? { ...c, status: 'ended' } : c);

/** Ends a conversation early (hang-up, opt-out); what was answered stays. */
export const endConversation = (c: Conversation): Conversation => ({ ...c, status: 'ended' });

/**
 * The response a conversation amounts to so far, or undefined before the first answer. `partial` until
 * every required question has an answer and the survey is finished.
 */
export function responseOf(survey: Survey, c: Conversation, now: Date): SurveyResponse | undefined {
  if (Object.keys(c.answers).length === 0) return undefined;
  const answers = parseAnswers(survey, c.answers, { partial: true });
  let complete = c.status === 'ended' && c.index >= survey.questions.length;
  if (complete) {
    try {
      parseAnswers(survey, c.answers);
    } catch {
      complete = false;
    }
  }
  const response: SurveyResponse = {
    id: keyedResponseId(c.channel, survey.id, c.responseKey),
    surveyId: survey.id,
    channel: c.channel,
    touchpoint: survey.touchpoint,
    ...(c.customerId && { customerId: c.customerId }),
    ...(c.phone && { contact: { phone: c.phone } }),
    answers,
    status: complete ? 'complete' : 'partial',
    submittedAt: c.startedAt,
    // One revision per answer given, and one more when it completes: each write supersedes the last.
    revision: Object.keys(answers).length + (complete ? 1 : 0),
    ...(retentionExpiry(survey, c.startedAt) && { expiresAt: retentionExpiry(survey, c.startedAt) }),
  };
  // Every answer may change the case (a later answer can be the bad one): each revision is processed.
  return withScores(survey, response, true);
}
