import type { Survey } from '../../surveys/survey';
import { promptFor } from './answers';
import type { Turn } from './conversation';

/** The answer to a text sent after the survey ended: nothing is recorded. */
export const SURVEY_OVER_SMS = 'This survey has already ended, thank you. Your earlier answers are kept. Reply STOP to opt out.';

/** The SMS text for the next step. */
export function smsText(survey: Survey, turn: Turn, first: boolean): string {
  if (turn.kind === 'done') return survey.thankYou ?? 'Thank you for your feedback!';
  return [first ? `${survey.name}:` : '', turn.retry ? "Sorry, I didn't get that." : '', promptFor(turn.question, 'sms'), first ? 'Reply STOP to opt out.' : '']
    .filter(Boolean)
    .join(' ');
}
