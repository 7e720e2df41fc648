import * as z from 'zod/mini';
import '../shared/zod';
import { validationError, type ErrorDetail } from './errors';
import { attributesSchema, externalId, isSafeKey, safeKey } from './identifiers';
import { numericRange, type Question, type Survey } from './survey';
import type { ResponseScores } from './scoring';
import type { ProfileSnapshot } from './customers';

/** Where an answer came from. `face-to-face` (tablet, kiosk, paper) and `direct-mail` arrive by import. */
export const CHANNELS = ['web', 'email', 'sms', 'voice-twilio', 'voice-vonage', 'connect', 'import', 'face-to-face', 'direct-mail'] as const;
export type Channel = (typeof CHANNELS)[number];

export type AnswerValue = number | string | boolean;
export type Answers = Record<string, AnswerValue>;

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
  /** Set by the scoring consumer. */
  readonly scores?: ResponseScores;
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

function answerSchema(q: Question): z.ZodMiniType<AnswerValue> {
  const range = numericRange(q);
  if (range) {
    return z.number({ error: `must be a whole number from ${range.min} to ${range.max}` }).check(z.int(`must be a whole number from ${range.min} to ${range.max}`), z.gte(range.min, `must be at least ${range.min}`), z.lte(range.max, `must be at most ${range.max}`));
  }
  if (q.type === 'yesno') return z.boolean({ error: 'must be yes or no (true or false)' });
  if (q.type === 'choice') {
    const ids = (q.options ?? []).map((o) => o.id);
    return z.string({ error: `must be one of: ${ids.join(', ')}` }).check(z.refine((v) => ids.includes(v), `must be one of: ${ids.join(', ')}`));
  }
  return z.string({ error: 'must be text' }).check(z.maxLength(TEXT_ANSWER_MAX, `must be at most ${TEXT_ANSWER_MAX} characters`));
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
      if (q.required && !options.partial) details.push({ field: `answers.${q.id}`, message: 'is required' });
      continue;
    }
    const parsed = answerSchema(q).safeParse(coerce(q, value));
    if (parsed.success) {
      answers[q.id] = typeof parsed.data === 'string' ? parsed.data.trim() : parsed.data;
    } else {
      details.push({ field: `answers.${q.id}`, message: parsed.error.issues[0]?.message ?? 'is invalid' });
    }
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

/** Optional fields common to every submission route. */
export const SubmissionMetaSchema = z.object({
  customerId: z.optional(externalId(128)),
  touchpoint: z.optional(z.string().check(z.trim(), z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/))),
  attributes: z.optional(attributesSchema()),
});

export const WebSubmissionSchema = z.catchall(z.extend(SubmissionMetaSchema, {
  surveyId: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  answers: z.record(safeKey(40), z.unknown()),
}), z.never());
