import { validationError, type ErrorDetail } from '../kernel/errors';
import { isSafeKey } from '../kernel/identifiers';
import { numericRange, type Survey } from './survey';
import type { Question } from './survey-schema';
import type { ResponseScores } from './scores';
import type { ProfileSnapshot } from '../people/customers';
import type { CommentAnalysis } from '../comments/analysis';

/** Where an answer came from. `face-to-face` (tablet, kiosk, paper) and `direct-mail` arrive by import. */
export const CHANNELS = ['web', 'email', 'sms', 'voice-twilio', 'voice-vonage', 'connect', 'import', 'face-to-face', 'direct-mail'] as const;
export type Channel = (typeof CHANNELS)[number];

export type AnswerValue = number | string | boolean;
export type Answers = Record<string, AnswerValue>;

/** What a failed processing attempt left on the response. */
export interface ProcessingFailure {
  readonly step: 'survey' | 'profile' | 'scoring' | 'analysis' | 'case' | 'email' | 'sns' | 'destinations' | 'timeline' | 'completion' | 'erasure';
  readonly message: string;
  readonly at: string;
  /** Attempts that failed so far (the stream's retries of one record count once). */
  readonly attempts?: number;
  /** When the sweeper tries again. */
  readonly retryAt?: string;
  /** Failed too often: left out of the sweeps until an operator puts it back (`cx replay --parked`). */
  readonly parked?: boolean;
}

/** One response, whatever channel it came from. */
export interface SurveyResponse {
  readonly id: string;
  readonly surveyId: string;
  readonly channel: Channel;
  readonly touchpoint: string;
  readonly customerId?: string;
  readonly answers: Answers;
  /** `partial` when the customer left before the end (hang-up, closed page). */
  readonly status: 'complete' | 'partial';
  readonly submittedAt: string;
  /** Bumped on every change of `answers`, so scoring never overwrites newer answers with older scores. */
  readonly revision: number;
  /** Seconds since the epoch: the survey's retention, after which the table's TTL removes the response. */
  readonly expiresAt?: number;
  readonly invitationId?: string;
  readonly contact?: { readonly email?: string; readonly name?: string; readonly phone?: string };
  readonly attributes?: Record<string, string>;
  /** The customer's CRM profile fields when the response was processed (frozen, for later analysis). */
  readonly profile?: ProfileSnapshot;
  /** The scores of `revision`, written with every revision; processing adds only `caseOpened`. */
  readonly scores?: ResponseScores;
  /** Sentiment and themes of the free text of `analysis.revision` (written after the answers, without a new revision). */
  readonly analysis?: CommentAnalysis;
  /** The free text of this revision is still to be read (cleared by the write of its `analysis`). */
  readonly analysisOwed?: boolean;
  /** Processing (profile, case and notifications, contact history) is still owed for this revision. */
  readonly pending?: boolean;
  /** The last failed processing attempt of this revision, while it is unfinished. */
  readonly processingFailure?: ProcessingFailure;
}

export const TEXT_ANSWER_MAX = 2000;

/** Form posts carry strings; JSON carries typed values. Both go through the same rules. */
function coerce(q: Question, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const value = raw.trim();
  if (numericRange(q)) return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : raw;
  if (q.type === 'yesno') {
    if (/^(yes|true|1)$/i.test(value)) return true;
    if (/^(no|false|0)$/i.test(value)) return false;
  }
  return raw;
}

/**
 * One answer against its question's rules: checked by hand, because building a schema per question on
 * every request was the largest cost on the ingest path. Messages name the rule that failed first.
 */
function checkAnswer(q: Question, value: unknown): { ok: true; value: AnswerValue } | { ok: false; message: string } {
  const range = numericRange(q);
  if (range) {
    const whole = `must be a whole number from ${range.min} to ${range.max}`;
    if (typeof value !== 'number' || !Number.isInteger(value)) return { ok: false, message: whole };
    if (value < range.min) return { ok: false, message: `must be at least ${range.min}` };
    if (value > range.max) return { ok: false, message: `must be at most ${range.max}` };
    return { ok: true, value };
  }
  if (q.type === 'yesno') return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: 'must be yes or no (true or false)' };
  if (q.type === 'choice') {
    const ids = (q.options ?? []).map((o) => o.id);
    return typeof value === 'string' && ids.includes(value) ? { ok: true, value } : { ok: false, message: `must be one of: ${ids.join(', ')}` };
  }
  if (typeof value !== 'string') return { ok: false, message: 'must be text' };
  if (value.length > TEXT_ANSWER_MAX) return { ok: false, message: `must be at most ${TEXT_ANSWER_MAX} characters` };
  return { ok: true, value };
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Checks answers against the survey's questions: types, ranges, options, required questions, unknown ids.
 * `partial` responses (a hang-up) may miss required answers but must hold at least one.
 */
export function parseAnswers(survey: Pick<Survey, 'questions'>, raw: unknown, options: { partial?: boolean } = {}): Answers {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw validationError('answers must be an object of questionId → value', [{ field: 'answers', message: 'must be an object' }]);
  }
  const input = raw as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const answers: Answers = {};
  const known = new Set(survey.questions.map((q) => q.id));
  for (const key of Object.keys(input)) {
    if (!isSafeKey(key, 40)) details.push({ field: 'answers', message: `"${key.slice(0, 40)}" is not a valid question id` });
    else if (!known.has(key)) details.push({ field: `answers.${key}`, message: 'is not a question of this survey' });
  }
  for (const q of survey.questions) {
    // Own properties only: never a value inherited from a prototype.
    const value = Object.hasOwn(input, q.id) ? input[q.id] : undefined;
    if (isBlank(value)) {
      // A hidden question is no longer asked, so it is never owed.
      if (q.required && !q.hidden && !options.partial) details.push({ field: `answers.${q.id}`, message: 'is required' });
      continue;
    }
    const checked = checkAnswer(q, coerce(q, value));
    if (checked.ok) answers[q.id] = typeof checked.value === 'string' ? checked.value.trim() : checked.value;
    else details.push({ field: `answers.${q.id}`, message: checked.message });
  }
  if (details.length === 0 && Object.keys(answers).length === 0) {
    details.push({ field: 'answers', message: 'at least one question must be answered' });
  }
  if (details.length > 0) throw validationError('some answers are not valid for this survey', details);
  return answers;
}

/** Free-text answers joined, for alert messages. */
export function commentOf(survey: Pick<Survey, 'questions'>, answers: Answers): string | undefined {
  const texts = survey.questions
    .filter((q) => q.type === 'text' && typeof answers[q.id] === 'string')
    .map((q) => String(answers[q.id]));
  return texts.length ? texts.join('\n\n') : undefined;
}
