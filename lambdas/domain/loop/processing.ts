import { rememberContact } from '../people/contact-history';
import { snapshotOf } from '../people/customers';
import { contactKeys } from '../people/identities';
import type { ContactHistoryStore, CustomerStore, ErasureStore } from '../people/ports';
import { eraseCustomer, erasureSubject } from '../people/erasure';
import { scoreResponse } from '../scoring/scoring';
import type { ResponseStore, SurveyStore } from '../surveys/ports';
import type { ProcessingFailure } from '../surveys/response';
import { commentOf, type SurveyResponse } from '../surveys/response';
import type { ResponseScores } from '../surveys/scores';
import type { Survey } from '../surveys/survey';
import { DEFAULT_COMMENT_GRACE_SECONDS } from '../surveys/survey-schema';
import { alertOnResponse, type AlertingDeps, type AlertOutcome } from './alerting';
import { analysisOf, owesAnalysis, type CommentAnalysisDeps } from './comment-analysis';
import { rulesReadAnalysis } from './alert-rules';
import { MAX_ATTEMPTS, nextTry, ProcessingStepFailed, step } from './processing-steps';

/** What processing a response reads and writes besides its case: the response, the customer, their contact history. */
export interface ProcessingDeps extends AlertingDeps, Pick<CommentAnalysisDeps, 'reader'> {
  readonly responses: Pick<ResponseStore, 'getResponse' | 'completeProcessing' | 'recordProcessingFailure' | 'listPendingResponses' | 'listParkedResponses' | 'unparkResponse' | 'holdProcessing' | 'listHeldResponses'>;
  readonly surveys: Pick<SurveyStore, 'getSurvey'>;
  readonly customers: Pick<CustomerStore, 'getCustomer' | 'addToCustomerTimeline'>;
  readonly contacts: Pick<ContactHistoryStore, 'recordContact'>;
  /** A customer erased moments ago: what their answers bring is erased on arrival. */
  readonly erasure: Omit<ErasureStore, 'listAudit'>;
}

export interface ProcessingResult {
  readonly scores: ResponseScores;
  /** `held`: a one-click score waits for its page's comment (the sweeper takes it when the wait is over). */
  readonly alert: AlertOutcome | 'held';
  /** False when newer answers superseded this revision meanwhile; their own processing follows. */
  readonly completed: boolean;
  /** The customer was erased: the response (and anything it brought) was erased on arrival. */
  readonly erased?: boolean;
}

/**
 * Everything a response needs after it is stored, in one place for the stream consumer and the sweeper: the
 * case and its notifications (idempotent), then the end of the response's pending state, which adds
 * `caseOpened` to its scores. Anything that fails leaves the response pending for a retry; its scores were
 * written with its answers, so the aggregates count it meanwhile.
 */
export async function processResponse(deps: ProcessingDeps, survey: Survey, response: SurveyResponse): Promise<ProcessingResult> {
  // Written with the answers; a response stored before scores were (an older release) is scored here.
  const scores = response.scores?.revision === response.revision ? response.scores : await step('scoring', async () => scoreResponse(survey, response.answers, response.revision));
  const customerId = response.customerId;
  const erasedMeanwhile = async () => customerId !== undefined && (await step('erasure', () => deps.erasure.erasedRecently(erasureSubject(deps.tokenSecret, customerId), deps.now)));
  if (await erasedMeanwhile()) return eraseOnArrival(deps, response, scores);
  const waitsUntil = commentGraceEnd(survey, response, deps.now);
  if (waitsUntil) {
    await step('completion', () => deps.responses.holdProcessing(response.id, response.revision, waitsUntil));
    return { scores, alert: 'held', completed: false };
  }
  // Rules that read the comment's sentiment or themes wait for its analysis; otherwise it is read after the
  // case, by the same consumer, so an analyzer that is down never holds an alert up.
  const analysis = rulesReadAnalysis(survey.alertRules) && owesAnalysis(survey, response) ? await step('analysis', () => analysisOf(deps, survey, response)) : undefined;
  const customer = customerId ? await step('profile', () => deps.customers.getCustomer(customerId)) : undefined;
  const profile = snapshotOf(customer, deps.now);
  const alert = await alertOnResponse(deps, survey, { ...response, scores, ...(profile && { profile }), ...(analysis && { analysis }) }, customer);
  if (customerId) {
    // Pointers keyed by the answer time, so a retry writes the same ones.
    await step('timeline', async () => {
      // Pointers expire with the response under the survey's retention, so no trace of it outlives it.
      await deps.customers.addToCustomerTimeline(customerId, 'RESPONSE', response.submittedAt, response.id, response.expiresAt);
      if (alert !== 'no-alert') await deps.customers.addToCustomerTimeline(customerId, 'CASE', response.submittedAt, response.id, response.expiresAt);
    });
  }
  // For contact-fatigue rules ("answered in the last M days"): the person's every identity. Keyed by the
  // answer time, so a superseded revision writes the same entry.
  const who = { email: response.contact?.email, phone: response.contact?.phone, customerId: response.customerId };
  await rememberContact(deps.contacts, contactKeys(deps.tokenSecret, who), 'answered', response.submittedAt);
  // An erasure that came while this ran: everything written above is on the customer's timeline (or is this
  // response), so either the erasure finds it, or this finds the erasure's mark.
  if (await erasedMeanwhile()) return eraseOnArrival(deps, response, scores);
  // Whether a case was opened travels with the scores, so the response's stream image says so (aggregates count it).
  const stored: ResponseScores = alert === 'no-alert' ? scores : { ...scores, caseOpened: true };
  // `response.completed` for the destinations that take it: queued before the completion, so a failure retries it.
  if (deps.outbox) await step('destinations', () => deps.outbox!.enqueueResponseEvent({ ...response, scores: stored, ...(analysis && { analysis }) }, commentOf(survey, response.answers)));
  const completed = await step('completion', () => deps.responses.completeProcessing(response.id, stored, profile, analysis));
  return { scores: stored, alert, completed };
}

/**
 * Until when a one-click score (saved by the e-mail's page before the customer could type) waits for the
 * page's comment: the owner should read the comment in the alert, not "(none)". Undefined when it need not
 * wait (any other answer, the page completed, or the wait is over).
 */
export function commentGraceEnd(survey: Survey, response: SurveyResponse, now: Date): Date | undefined {
  if (response.channel !== 'email' || response.status !== 'partial' || !response.invitationId) return undefined;
  const end = new Date(Date.parse(response.submittedAt) + (survey.alert.commentGraceSeconds ?? DEFAULT_COMMENT_GRACE_SECONDS) * 1000);
  return end > now ? end : undefined;
}

/**
 * The customer was erased while this response was on its way: it is erased too, with whatever it brought
 * (case, timeline, contact history), and the audit says so. An alert e-mail sent before the erasure stays sent.
 */
async function eraseOnArrival(deps: ProcessingDeps, response: SurveyResponse, scores: ResponseScores): Promise<ProcessingResult> {
  await step('erasure', async () => {
    await eraseCustomer({ customers: deps.customers, erasure: deps.erasure, tokenSecret: deps.tokenSecret }, response.customerId!, 'system', deps.now, 'erase-on-arrival');
    // Not on the timeline yet (its pointers come after its case): erased by its own keys.
    await deps.erasure.deleteItem(`ALERT#${response.id}`, 'META');
    await deps.erasure.deleteItem(`RESPONSE#${response.id}`, 'META');
  });
  return { scores, alert: 'no-alert', completed: true, erased: true };
}

/** What the failure of `error` leaves on the response, counting the attempts before it. */
export function failureOf(error: unknown, now: Date, previous?: ProcessingFailure): ProcessingFailure {
  const failed = error instanceof ProcessingStepFailed ? error : new ProcessingStepFailed('scoring', error);
  const attempts = (previous?.attempts ?? 0) + 1;
  const { retryAt, parked } = nextTry(attempts, now);
  // Provider messages can be long; keep the gist.
  return { step: failed.step, message: failed.message.slice(0, 500), at: now.toISOString(), attempts, retryAt, ...(parked && { parked }) };
}

export interface SweepReport {
  readonly found: number;
  readonly completed: number;
  readonly superseded: number;
  readonly alerts: number;
  readonly failed: readonly { readonly responseId: string; readonly step: ProcessingFailure['step']; readonly message: string; readonly attempts: number; readonly retryAt?: string; readonly parked?: boolean }[];
}

/**
 * Re-drives responses that stayed pending longer than the stream needs (its retries ran out, a provider was
 * down, the record expired from the stream): the same processing as the stream consumer, so it is safe to
 * run beside it. A response that fails again waits longer each time (1, 2, 4 … minutes, at most an hour),
 * so ones that keep failing never hold up newer work, and is parked after {@link MAX_ATTEMPTS} attempts.
 */
export async function sweepPending(
  deps: ProcessingDeps,
  options: { readonly olderThanMs: number; readonly limit: number; readonly onFailure?: (responseId: string, error: unknown) => void },
): Promise<SweepReport> {
  // Age 0 (an operator's `cx replay`): everything pending now, retries deferred after a failure included.
  const before = options.olderThanMs === 0 ? '\uffff' : new Date(deps.now.getTime() - options.olderThanMs).toISOString();
  // One-click scores whose wait for a comment is over come first: their alert is due now.
  const held = await deps.responses.listHeldResponses(deps.now.toISOString(), options.limit);
  const ids = [...held, ...(await deps.responses.listPendingResponses(before, options.limit - held.length))];
  let completed = 0;
  let superseded = 0;
  let alerts = 0;
  const failed: SweepReport['failed'][number][] = [];
  const surveys = new Map<string, Survey | undefined>();
  for (const id of ids) {
    const response = await deps.responses.getResponse(id);
    if (!response) continue;
    try {
      if (!surveys.has(response.surveyId)) surveys.set(response.surveyId, await deps.surveys.getSurvey(response.surveyId));
      const survey = surveys.get(response.surveyId);
      if (!survey) throw new ProcessingStepFailed('survey', new Error(`survey ${response.surveyId} does not exist`));
      const result = await processResponse(deps, survey, response);
      if (result.completed) completed += 1;
      else superseded += 1;
      if (result.alert === 'opened' || result.alert === 'resumed') alerts += 1;
    } catch (error) {
      const failure = failureOf(error, deps.now, response.processingFailure);
      options.onFailure?.(id, error);
      failed.push({ responseId: id, step: failure.step, message: failure.message, attempts: failure.attempts ?? 1, retryAt: failure.retryAt, ...(failure.parked && { parked: true }) });
      await deps.responses.recordProcessingFailure(id, response.revision, failure).catch(() => undefined);
    }
  }
  return { found: ids.length, completed, superseded, alerts, failed };
}

export interface ParkedResponse {
  readonly responseId: string;
  readonly surveyId: string;
  readonly failure?: ProcessingFailure;
}

/** The responses parked after failing too often, with their last failure (`cx replay --list`). */
export async function parkedResponses(deps: Pick<ProcessingDeps, 'responses'>, limit: number): Promise<ParkedResponse[]> {
  const parked: ParkedResponse[] = [];
  for (const id of await deps.responses.listParkedResponses(limit)) {
    const response = await deps.responses.getResponse(id);
    if (response) parked.push({ responseId: id, surveyId: response.surveyId, ...(response.processingFailure && { failure: response.processingFailure }) });
  }
  return parked;
}

/** Puts parked responses back in front of the sweeper (after the cause is fixed): `cx replay --parked`. */
export async function retryParked(deps: Pick<ProcessingDeps, 'responses' | 'now'>, limit: number): Promise<number> {
  const ids = await deps.responses.listParkedResponses(limit);
  // Due a day ago: the sweep that follows takes them whatever age it asks for.
  const due = new Date(deps.now.getTime() - 86_400_000);
  for (const id of ids) await deps.responses.unparkResponse(id, due);
  return ids.length;
}
