import { DomainError } from '../kernel/errors';
import type { ResponseStore, SurveyStore } from '../surveys/ports';
import type { Invitation, InvitationStore } from './ports';
import { parseAnswers } from '../surveys/response';
import { withScores } from '../scoring/scoring';
import { assertTakesAnswers, keyedResponseId, loadSurvey, recordResponse } from '../intake/submissions';
import { headlineQuestion, numericRange, type Survey } from '../surveys/survey';
import type { Question } from '../surveys/survey-schema';
import { contactFingerprint, verifyLinkToken } from '../kernel/tokens';

export interface ResolvedLink {
  readonly survey: Survey;
  readonly invitation: Invitation;
  readonly headline: Question;
  /** One response per invitation: the score can be recorded once. */
  readonly responseId: string;
}

/** Verifies a link token and finds what it points at; a token for another contact or survey is refused. */
export async function resolveLink(stores: { readonly invitations: Pick<InvitationStore, 'getInvitation'>; readonly surveys: Pick<SurveyStore, 'getSurvey'> }, secret: string, token: string, now: Date): Promise<ResolvedLink> {
  const claims = verifyLinkToken(secret, token, now);
  const invitation = await stores.invitations.getInvitation(claims.invitationId);
  if (!invitation) {
    // The table's TTL removed it: the link outlived its invitation.
    throw new DomainError(410, 'link_expired', 'this survey link has expired', [{ field: 'token', message: 'invitation no longer exists' }]);
  }
  const fingerprint = contactFingerprint({ email: invitation.contact.email, customerId: invitation.customerId, phone: invitation.contact.phone });
  if (invitation.surveyId !== claims.surveyId || fingerprint !== claims.contact) {
    throw new DomainError(400, 'invalid_token', 'this link is not valid', [{ field: 'token', message: 'does not match its invitation' }]);
  }
  const survey = await loadSurvey(stores.surveys, claims.surveyId);
  // An archived survey's links open a page saying it is closed (410), and record nothing.
  assertTakesAnswers(survey);
  const headline = headlineQuestion(survey);
  if (!headline) throw new DomainError(409, 'survey_changed', 'this survey no longer has a score question', []);
  return { survey, invitation, headline, responseId: keyedResponseId('email', survey.id, invitation.id) };
}

/** The `score` query parameter of a one-click link, checked against the headline question's scale. */
export function linkScore(headline: Question, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const range = numericRange(headline);
  const score = Number(raw);
  if (!range || !Number.isInteger(score) || score < range.min || score > range.max) {
    throw new DomainError(400, 'validation_failed', `score must be a whole number from ${range?.min} to ${range?.max}`, [
      { field: 'score', message: `must be ${range?.min}–${range?.max}` },
    ]);
  }
  return score;
}

/**
 * Whether the page may confirm the clicked score by itself. A mail scanner follows every link of a message,
 * so links of several different scores served for one invitation mean a scanner was there (and may run the
 * page's script too): then only the person's own press of the button records.
 */
export const mayConfirmByItself = (invitation: Pick<Invitation, 'openedScores'>) => (invitation.openedScores?.length ?? 0) <= 1;

export type LinkAnswerOutcome = 'created' | 'completed' | 'exists';

/**
 * Records an answer from a one-click link, once per invitation:
 * - `confirm` (the page's script, as soon as it is shown): the clicked score alone, as a partial response;
 * - `complete` (the form's button): every answer; it completes a partial response from the same link
 *   (a higher revision, so the stream re-scores it), and leaves a complete one unchanged.
 */
export async function answerFromLink(
  stores: { readonly surveys: Pick<SurveyStore, 'getSurvey'>; readonly responses: Pick<ResponseStore, 'putResponse' | 'getResponse' | 'saveResponseRevision'> },
  link: ResolvedLink,
  answers: Record<string, unknown>,
  mode: 'confirm' | 'complete',
  now: Date,
): Promise<LinkAnswerOutcome> {
  const { survey, invitation, headline, responseId } = link;
  if (answers[headline.id] === undefined || answers[headline.id] === '') {
    throw new DomainError(400, 'validation_failed', 'please choose a score', [{ field: `answers.${headline.id}`, message: 'is required' }]);
  }
  if (mode === 'confirm' && !mayConfirmByItself(invitation)) {
    throw new DomainError(409, 'confirm_by_button', 'links of several scores were opened; press the button to send your answer', [{ field: 'confirm', message: 'press the button' }]);
  }
  const submission = {
    surveyId: survey.id,
    channel: 'email' as const,
    customerId: invitation.customerId,
    contact: invitation.contact,
    attributes: invitation.attributes,
    invitationId: invitation.id,
    idempotencyKey: invitation.id,
  };
  const existing = await stores.responses.getResponse(responseId);
  if (!existing) {
    const partial = mode === 'confirm';
    const { outcome } = await recordResponse(stores, { ...submission, answers: partial ? { [headline.id]: answers[headline.id] } : answers, partial }, now, survey);
    return outcome === 'created' ? 'created' : 'exists';
  }
  if (mode === 'confirm' || existing.status !== 'partial') return 'exists';
  const completed = withScores(survey, { ...existing, answers: parseAnswers(survey, answers), status: 'complete', revision: existing.revision + 1 }, true);
  return (await stores.responses.saveResponseRevision(completed)) === 'created' ? 'completed' : 'exists';
}
