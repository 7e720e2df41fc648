import type { CustomerProfile } from '../people/customer-schema';
import type { CustomerStore } from '../people/ports';
import type { ResponseStore, SurveyStore } from '../surveys/ports';
import type { SurveyResponse } from '../surveys/response';
import type { Survey } from '../surveys/survey';
import { isWellFormedId } from '../kernel/ids';
import type { AlertCase, CaseStatus } from './alerts';
import type { CaseStore } from './ports';

/** How many of the customer's earlier responses a case shows. */
export const CASE_TIMELINE_LENGTH = 10;

/** One earlier answer of the customer on the case page's timeline, with its case when it opened one. */
export interface CaseTimelineEntry {
  readonly at: string;
  readonly responseId: string;
  readonly surveyId: string;
  readonly touchpoint: string;
  readonly channel: string;
  readonly scores: SurveyResponse['scores'];
  readonly caseStatus?: CaseStatus;
}

/** Everything a case page shows: the case, its answers and survey, the customer's CRM profile and history. */
export interface CaseFile {
  readonly alert: AlertCase;
  readonly response?: SurveyResponse;
  readonly survey?: Survey;
  readonly customer?: CustomerProfile;
  readonly timeline: readonly CaseTimelineEntry[];
}

export interface CaseFileDeps {
  readonly cases: Pick<CaseStore, 'getAlert'>;
  readonly responses: Pick<ResponseStore, 'getResponse'>;
  readonly surveys: Pick<SurveyStore, 'getSurvey'>;
  readonly customers: Pick<CustomerStore, 'getCustomer' | 'customerTimeline'>;
}

/**
 * Gathers a case's file. The profile is read live, so an erased customer shows none; the timeline holds the
 * customer's earlier responses (newest first, at most ten) that `sees` lets the reader see, each with the
 * status of the case it opened.
 */
export async function caseFile(deps: CaseFileDeps, alert: AlertCase, sees: (item: { surveyId: string; touchpoint?: string }) => boolean = () => true): Promise<CaseFile> {
  const customerId = alert.customerId;
  const [response, survey, customer, responseIds, caseIds] = await Promise.all([
    deps.responses.getResponse(alert.responseId),
    deps.surveys.getSurvey(alert.surveyId),
    customerId ? deps.customers.getCustomer(customerId) : undefined,
    customerId ? deps.customers.customerTimeline(customerId, 'RESPONSE', CASE_TIMELINE_LENGTH + 1) : [],
    customerId ? deps.customers.customerTimeline(customerId, 'CASE', CASE_TIMELINE_LENGTH + 1) : [],
  ]);
  const earlierIds = responseIds.filter((id) => id !== alert.responseId && isWellFormedId(id)).slice(0, CASE_TIMELINE_LENGTH);
  const withCase = new Set(caseIds);
  const entries = await Promise.all(
    earlierIds.map(async (id): Promise<CaseTimelineEntry | undefined> => {
      const [earlier, kase] = await Promise.all([deps.responses.getResponse(id), withCase.has(id) ? deps.cases.getAlert(id) : undefined]);
      if (!earlier || !sees(earlier)) return undefined;
      return { at: earlier.submittedAt, responseId: id, surveyId: earlier.surveyId, touchpoint: earlier.touchpoint, channel: earlier.channel, scores: earlier.scores, ...(kase && { caseStatus: kase.status }) };
    }),
  );
  return {
    alert,
    ...(response && { response }),
    ...(survey && { survey }),
    ...(customer && { customer }),
    timeline: entries.filter((e): e is CaseTimelineEntry => e !== undefined).sort((a, b) => b.at.localeCompare(a.at)),
  };
}
