import type { Page, PageRequest } from '../kernel/store';
import { seesSurvey, type Caller } from '../people/roles';
import type { ResponseStore, SurveyStore } from '../surveys/ports';
import { surveyStatus, surveyVersion, type Survey, type SurveyStatus } from '../surveys/survey';
import type { AggregateStore, StoredAggregate } from './ports';

/* The survey listing a CX manager opens first: each survey with how many answers it has and when the last came. */

export interface SurveySummary {
  readonly id: string;
  readonly name: string;
  readonly touchpoint: string;
  readonly status: SurveyStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt?: string;
  readonly archivedAt?: string;
  /** Responses counted in the aggregates (scored ones; a new answer counts within seconds). */
  readonly responseCount: number;
  /** When the newest stored response was given, or null before the first. */
  readonly lastResponseAt: string | null;
}

export interface SurveyListDeps {
  readonly surveys: Pick<SurveyStore, 'listSurveys'>;
  readonly aggregates: Pick<AggregateStore, 'query'>;
  readonly responses: Pick<ResponseStore, 'listResponses'>;
}

/** Every month a survey can have cells in: the count is the sum of its month cells' `responses`. */
const ALL_MONTHS = ['0000-01', '9999-12'] as const;

/** Responses counted in a survey's month cells (each response is in exactly one month cell). */
export const responseCountOf = (monthCells: readonly Pick<StoredAggregate, 'counters'>[]): number => monthCells.reduce((sum, cell) => sum + (cell.counters.responses ?? 0), 0);

/** Whether a survey belongs in the caller's listing: within their scope, and active unless archived ones are asked for. */
export const listsSurvey = (caller: Caller, includeArchived: boolean) => (survey: Pick<Survey, 'id' | 'status'>) =>
  seesSurvey(caller, survey.id) && (includeArchived || surveyStatus(survey) !== 'archived');

/**
 * A page of surveys, newest first, from the survey index (never a Scan). Per survey on the page: one Query of its
 * month cells (the count) and one of its newest response (the last answer), all at once.
 */
export async function listSurveySummaries(deps: SurveyListDeps, caller: Caller, options: { readonly includeArchived: boolean; readonly page: PageRequest }): Promise<Page<SurveySummary> & { readonly filtered?: true }> {
  const { items, nextCursor, filtered } = await deps.surveys.listSurveys(options.page, listsSurvey(caller, options.includeArchived));
  const summaries = await Promise.all(
    items.map(async (survey): Promise<SurveySummary> => {
      const [cells, newest] = await Promise.all([deps.aggregates.query(survey.id, 'M', ...ALL_MONTHS), deps.responses.listResponses(survey.id, { limit: 1 })]);
      return {
        id: survey.id,
        name: survey.name,
        touchpoint: survey.touchpoint,
        status: surveyStatus(survey),
        version: surveyVersion(survey),
        createdAt: survey.createdAt,
        ...(survey.updatedAt && { updatedAt: survey.updatedAt }),
        ...(survey.archivedAt && { archivedAt: survey.archivedAt }),
        responseCount: responseCountOf(cells),
        lastResponseAt: newest.items[0]?.submittedAt ?? null,
      };
    }),
  );
  return { items: summaries, ...(nextCursor && { nextCursor }), ...(filtered && { filtered }) };
}
