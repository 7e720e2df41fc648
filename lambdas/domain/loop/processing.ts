import { alertOnResponse, type AlertingDeps, type AlertOutcome } from './alerting';
import type { ProcessingFailure } from '../ports';
import { snapshotOf } from '../people/customers';
import { rememberContact } from '../outreach/fatigue';
import { ProcessingStepFailed, step } from './processing-steps';
import { contactKeys } from '../outreach/suppression';
import type { SurveyResponse } from '../surveys/response';
import { scoreResponse, type ResponseScores } from '../scoring/scoring';
import type { Survey } from '../surveys/survey';

export interface ProcessingResult {
  readonly scores: ResponseScores;
  readonly alert: AlertOutcome;
  /** False when newer answers superseded this revision meanwhile; their own processing follows. */
  readonly completed: boolean;
}

/**
 * Everything a response needs after it is stored, in one place for the stream consumer and the sweeper:
 * scores computed once, the case and its notifications (idempotent), then scores saved together with the
 * end of the response's pending state. Anything that fails leaves the response pending for a retry.
 */
export async function processResponse(deps: AlertingDeps, survey: Survey, response: SurveyResponse): Promise<ProcessingResult> {
  const scores = await step('scoring', async () => scoreResponse(survey, response.answers, response.revision));
  const customerId = response.customerId;
  const profile = customerId ? snapshotOf(await step('profile', () => deps.store.getCustomer(customerId)), deps.now) : undefined;
  const alert = await alertOnResponse(deps, survey, { ...response, scores, ...(profile && { profile }) });
  if (customerId) {
    // Pointers keyed by the answer time, so a retry writes the same ones.
    await step('timeline', async () => {
      // Pointers expire with the response under the survey's retention, so no trace of it outlives it.
      await deps.store.addToCustomerTimeline(customerId, 'RESPONSE', response.submittedAt, response.id, response.expiresAt);
      if (alert !== 'no-alert') await deps.store.addToCustomerTimeline(customerId, 'CASE', response.submittedAt, response.id, response.expiresAt);
    });
  }
  // Whether a case was opened travels with the scores, so the response's stream image says so (aggregates count it).
  const stored: ResponseScores = alert === 'no-alert' ? scores : { ...scores, caseOpened: true };
  const completed = await step('completion', () => deps.store.completeProcessing(response.id, stored, profile));
  // For contact-fatigue rules ("answered in the last M days"): the person's every identity.
  const who = { email: response.contact?.email, phone: response.contact?.phone, customerId: response.customerId };
  if (completed) await rememberContact(deps.store, contactKeys(deps.tokenSecret, who), 'answered', response.submittedAt);
  return { scores: stored, alert, completed };
}

/** What the failure of `error` leaves on the response. */
export function failureOf(error: unknown, now: Date): ProcessingFailure {
  const failed = error instanceof ProcessingStepFailed ? error : new ProcessingStepFailed('scoring', error);
  // Provider messages can be long; keep the gist.
  return { step: failed.step, message: failed.message.slice(0, 500), at: now.toISOString() };
}

export interface SweepReport {
  readonly found: number;
  readonly completed: number;
  readonly superseded: number;
  readonly alerts: number;
  readonly failed: readonly { readonly responseId: string; readonly step: ProcessingFailure['step']; readonly message: string }[];
}

/**
 * Re-drives responses that stayed pending longer than the stream needs (its retries ran out, a provider was
 * down, the record expired from the stream): the same processing as the stream consumer, so it is safe to
 * run beside it.
 */
export async function sweepPending(
  deps: AlertingDeps,
  options: { readonly olderThanMs: number; readonly limit: number; readonly onFailure?: (responseId: string, error: unknown) => void },
): Promise<SweepReport> {
  const before = new Date(deps.now.getTime() - options.olderThanMs).toISOString();
  const ids = await deps.store.listPendingResponses(before, options.limit);
  let completed = 0;
  let superseded = 0;
  let alerts = 0;
  const failed: SweepReport['failed'][number][] = [];
  const surveys = new Map<string, Survey | undefined>();
  for (const id of ids) {
    const response = await deps.store.getResponse(id);
    if (!response) continue;
    try {
      if (!surveys.has(response.surveyId)) surveys.set(response.surveyId, await deps.store.getSurvey(response.surveyId));
      const survey = surveys.get(response.surveyId);
      if (!survey) throw new ProcessingStepFailed('survey', new Error(`survey ${response.surveyId} does not exist`));
      const result = await processResponse(deps, survey, response);
      if (result.completed) completed += 1;
      else superseded += 1;
      if (result.alert === 'opened' || result.alert === 'resumed') alerts += 1;
    } catch (error) {
      const failure = failureOf(error, deps.now);
      options.onFailure?.(id, error);
      failed.push({ responseId: id, step: failure.step, message: failure.message });
      await deps.store.recordProcessingFailure(id, response.revision, failure).catch(() => undefined);
    }
  }
  return { found: ids.length, completed, superseded, alerts, failed };
}
