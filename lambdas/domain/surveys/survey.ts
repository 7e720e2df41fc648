import type * as z from 'zod/mini';
import type { AlertRuleSet } from './alert-rules';
import type { Question, SurveyInputSchema } from './survey-schema';

/* A survey as stored, and what every context asks of one; the request schemas are in survey-schema.ts. */

/** Inclusive score range of the numeric question types. */
export const SCALES = { nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 }, ces: { min: 1, max: 7 } } as const;

export interface Survey extends z.infer<typeof SurveyInputSchema> {
  readonly id: string;
  readonly createdAt: string;
  /** Alert rules set through the admin API; once present they replace the `alert` thresholds. */
  readonly alertRules?: AlertRuleSet;
}

export function createSurvey(input: z.infer<typeof SurveyInputSchema>, id: string, now: Date): Survey {
  return { ...input, id, createdAt: now.toISOString() };
}

/** The zone the survey's times are shown in. */
export const surveyTimeZone = (survey: Pick<Survey, 'timeZone'> | undefined): string => survey?.timeZone ?? 'UTC';

/** When a response given at `submittedAt` expires under the survey's retention (TTL seconds), if it has one. */
export const retentionExpiry = (survey: Pick<Survey, 'retentionDays'>, submittedAt: string): number | undefined =>
  survey.retentionDays ? Math.floor(Date.parse(submittedAt) / 1000) + survey.retentionDays * 86_400 : undefined;

/** The question an invitation e-mail turns into one-click links: the first NPS or CSAT question. */
export function headlineQuestion(survey: Pick<Survey, 'questions'>): Question | undefined {
  return survey.questions.find((q) => q.type === 'nps' || q.type === 'csat');
}

/** Inclusive numeric range of a scored question, or undefined for non-numeric types. */
export function numericRange(q: Question): { min: number; max: number } | undefined {
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces') return SCALES[q.type];
  if (q.type === 'rating') return { min: 1, max: q.scale ?? 5 };
  return undefined;
}
