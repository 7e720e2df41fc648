import type * as z from 'zod/mini';
import type { ThemeSet } from '../comments/themes/taxonomy';
import type { AlertRuleSet } from './alert-rules';
import type { Question, SurveyInputSchema } from './survey-schema';

/* A survey as stored, and what every context asks of one; the request schemas are in survey-schema.ts. */

/** Inclusive score range of the numeric question types. */
export const SCALES = { nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 }, ces: { min: 1, max: 7 } } as const;

export const SURVEY_STATUSES = ['active', 'archived'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export interface Survey extends z.infer<typeof SurveyInputSchema> {
  readonly id: string;
  readonly createdAt: string;
  /** Bumped by every edit of the definition (`PUT`, If-Match); surveys stored before versions read as 0. */
  readonly version?: number;
  /** An archived survey takes no answers and leaves the default listings; absent reads as active. */
  readonly status?: SurveyStatus;
  readonly updatedAt?: string;
  readonly archivedAt?: string;
  /** Alert rules set through the admin API; once present they replace the `alert` thresholds. */
  readonly alertRules?: AlertRuleSet;
  /** The survey's own themes for its comments (`PUT …/themes`); absent: the default taxonomy. */
  readonly themeSet?: ThemeSet;
}

export function createSurvey(input: z.infer<typeof SurveyInputSchema>, id: string, now: Date): Survey {
  return { ...input, id, createdAt: now.toISOString(), version: 1, status: 'active' };
}

/** The version an If-Match names: surveys stored before versions are version 0. */
export const surveyVersion = (survey: Pick<Survey, 'version'>): number => survey.version ?? 0;
export const surveyStatus = (survey: Pick<Survey, 'status'>): SurveyStatus => survey.status ?? 'active';

/** A survey as the API answers it, with its status and version spelled out (older ones read as active, version 0). */
export const withState = <T extends Pick<Survey, 'status' | 'version'>>(survey: T) => ({ ...survey, status: surveyStatus(survey), version: surveyVersion(survey) });

/** The ETag of a survey: its version, which a `PUT` sends back as If-Match. */
export const surveyEtag = (survey: Pick<Survey, 'version'>) => ({ etag: `"${surveyVersion(survey)}"` });
export const isArchived = (survey: Pick<Survey, 'status'>): boolean => surveyStatus(survey) === 'archived';

/** The questions new respondents are asked, on every channel: all but the hidden ones. */
export const askedQuestions = (survey: Pick<Survey, 'questions'>): Question[] => survey.questions.filter((q) => !q.hidden);

/** The survey as a respondent meets it (a phone or SMS conversation walks its questions by position). */
export const forRespondents = <T extends Pick<Survey, 'questions'>>(survey: T): T => (survey.questions.some((q) => q.hidden) ? { ...survey, questions: askedQuestions(survey) } : survey);

/** The zone the survey's times are shown in. */
export const surveyTimeZone = (survey: Pick<Survey, 'timeZone'> | undefined): string => survey?.timeZone ?? 'UTC';

/** When a response given at `submittedAt` expires under the survey's retention (TTL seconds), if it has one. */
export const retentionExpiry = (survey: Pick<Survey, 'retentionDays'>, submittedAt: string): number | undefined =>
  survey.retentionDays ? Math.floor(Date.parse(submittedAt) / 1000) + survey.retentionDays * 86_400 : undefined;

/** The question an invitation e-mail turns into one-click links: the first NPS or CSAT question. */
export function headlineQuestion(survey: Pick<Survey, 'questions'>): Question | undefined {
  return askedQuestions(survey).find((q) => q.type === 'nps' || q.type === 'csat');
}

/** Inclusive numeric range of a scored question, or undefined for non-numeric types. */
export function numericRange(q: Question): { min: number; max: number } | undefined {
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces') return SCALES[q.type];
  if (q.type === 'rating') return { min: 1, max: q.scale ?? 5 };
  return undefined;
}
