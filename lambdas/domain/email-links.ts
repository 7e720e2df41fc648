import { DomainError } from './errors';
import type { FeedbackStore, Invitation } from './ports';
import { keyedResponseId, loadSurvey } from './submissions';
import { headlineQuestion, numericRange, type Question, type Survey } from './survey';
import { contactFingerprint, verifyLinkToken } from './tokens';

export interface ResolvedLink {
  readonly survey: Survey;
  readonly invitation: Invitation;
  readonly headline: Question;
  /** One response per invitation: the score can be recorded once. */
  readonly responseId: string;
}

/** Verifies a link token and finds what it points at; a token for another contact or survey is refused. */
export async function resolveLink(store: FeedbackStore, secret: string, token: string, now: Date): Promise<ResolvedLink> {
  const claims = verifyLinkToken(secret, token, now);
  const invitation = await store.getInvitation(claims.invitationId);
  if (!invitation) {
    // The table's TTL removed it: the link outlived its invitation.
    throw new DomainError(410, 'link_expired', 'this survey link has expired', [{ field: 'token', message: 'invitation no longer exists' }]);
  }
  const fingerprint = contactFingerprint({ email: invitation.contact.email, customerId: invitation.customerId, phone: invitation.contact.phone });
  if (invitation.surveyId !== claims.surveyId || fingerprint !== claims.contact) {
    throw new DomainError(400, 'invalid_token', 'this link is not valid', [{ field: 'token', message: 'does not match its invitation' }]);
  }
  const survey = await loadSurvey(store, claims.surveyId);
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
