import { DomainError, notFound } from '../kernel/errors';
import { idFromKey, isWellFormedId, newId } from '../kernel/ids';
import type { PutOutcome } from '../kernel/store';
import type { ResponseStore, SurveyStore } from '../surveys/ports';
import { caseDecision } from '../loop/alerts';
import { commentOf, parseAnswers, type Channel, type SurveyResponse } from '../surveys/response';
import { withScores } from '../scoring/scoring';
import { rulesReadAnalysis } from '../loop/alert-rules';
import type { ResponseScores } from '../surveys/scores';
import { isArchived, retentionExpiry, type Survey } from '../surveys/survey';

export interface Submission {
  readonly surveyId: string;
  readonly channel: Channel;
  readonly answers: unknown;
  readonly customerId?: string;
  readonly touchpoint?: string;
  readonly attributes?: Record<string, string>;
  readonly contact?: SurveyResponse['contact'];
  readonly invitationId?: string;
  /** Names the submission across retries: the same key always yields the same response id. */
  readonly idempotencyKey?: string;
  readonly partial?: boolean;
  /** When the customer answered, if not now (answers collected offline and imported later). */
  readonly submittedAt?: string;
}

/** The id a keyed submission gets: retries with the same key land on the same response. */
export const keyedResponseId = (channel: Channel, surveyId: string, key: string) => idFromKey(channel, surveyId, key);

export async function loadSurvey(store: Pick<SurveyStore, 'getSurvey'>, surveyId: string): Promise<Survey> {
  const survey = isWellFormedId(surveyId) ? await store.getSurvey(surveyId) : undefined;
  if (!survey) throw notFound('Survey', 'surveyId');
  return survey;
}

/** 410 for an archived survey: it takes no answers (and sends no invitations) on any channel. */
export function assertTakesAnswers(survey: Pick<Survey, 'status'>): void {
  if (isArchived(survey)) {
    throw new DomainError(410, 'survey_archived', 'this survey is closed and no longer takes answers', [{ field: 'surveyId', message: 'the survey is archived' }]);
  }
}

/** Where a submission is checked and stored: its survey, and the responses. */
export interface IntakeStores {
  readonly surveys: Pick<SurveyStore, 'getSurvey'>;
  readonly responses: Pick<ResponseStore, 'putResponse'>;
  /**
   * Whether a destination takes `response.completed` now: then every new response goes through processing,
   * which queues the event. Absent or false, a response with nothing else to do is stored settled.
   */
  readonly responseEventsWanted?: () => Promise<boolean>;
}

/** Validates a submission against its survey and stores it once. Used by every channel. */
export async function recordResponse(
  stores: IntakeStores,
  submission: Submission,
  now: Date,
  survey?: Survey,
): Promise<{ response: SurveyResponse; outcome: PutOutcome; survey: Survey }> {
  const target = survey ?? (await loadSurvey(stores.surveys, submission.surveyId));
  assertTakesAnswers(target);
  const answers = parseAnswers(target, submission.answers, { partial: submission.partial });
  const id = submission.idempotencyKey ? keyedResponseId(submission.channel, target.id, submission.idempotencyKey) : newId(now);
  const response: SurveyResponse = {
    id,
    surveyId: target.id,
    channel: submission.channel,
    touchpoint: submission.touchpoint ?? target.touchpoint,
    ...(submission.customerId && { customerId: submission.customerId }),
    answers,
    status: submission.partial ? 'partial' : 'complete',
    submittedAt: submission.submittedAt ?? now.toISOString(),
    revision: 1,
    ...(submission.invitationId && { invitationId: submission.invitationId }),
    ...(submission.contact && { contact: submission.contact }),
    ...(submission.attributes && { attributes: submission.attributes }),
  };
  const expiresAt = retentionExpiry(target, response.submittedAt);
  const kept: SurveyResponse = expiresAt ? { ...response, expiresAt } : response;
  const scored = withScores(target, kept, false);
  const announced = stores.responseEventsWanted ? await stores.responseEventsWanted() : false;
  const stored: SurveyResponse = announced || needsProcessing(target, scored) ? { ...scored, pending: true } : scored;
  const outcome = await stores.responses.putResponse(stored);
  return { response: stored, outcome, survey: target };
}

/**
 * Whether a new response needs processing after it is stored. One whose processing would only score it (no
 * customer to profile or remember, no contact, no case to open under the survey's rules as this container has
 * them) is stored complete: one write in all, and the stream skips it. Either way it is stored scored.
 */
function needsProcessing(survey: Survey, response: SurveyResponse & { scores: ResponseScores }): boolean {
  if (response.customerId || response.contact) return true;
  const comment = commentOf(survey, response.answers);
  // Rules on the comment's sentiment or themes decide once it is read, after it is stored.
  if (comment !== undefined && rulesReadAnalysis(survey.alertRules)) return true;
  return caseDecision(survey, response, response.scores, comment) !== undefined;
}
