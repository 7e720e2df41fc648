import type { EmailMessage } from '../kernel/senders';
import type { PutOutcome } from '../kernel/store';
import type { Survey } from '../surveys/survey';
import type { FatigueRules, Question } from '../surveys/survey-schema';

/*
 * The outreach context's ports: invitations and their e-mail, suppressions (unsubscribes, bounces), the global
 * contact-fatigue rules. Phone conversations and routes have theirs in phone/ports.ts.
 */

export interface Invitation {
  readonly id: string;
  readonly surveyId: string;
  readonly channel: 'email' | 'sms';
  readonly contact: { readonly email?: string; readonly phone?: string; readonly name?: string };
  readonly customerId?: string;
  readonly attributes?: Record<string, string>;
  /** The survey's touchpoint when it was sent: the funnel counts the invitation there. */
  readonly touchpoint?: string;
  readonly createdAt: string;
  /** Seconds since the epoch; the table's TTL removes the invitation afterwards. */
  readonly expiresAt: number;
  /** Set once the invitation went out, so a retried request does not send it again. */
  readonly sentAt?: string;
  /** First time a one-click link of this invitation was served (by a person or a mail scanner). */
  readonly openedAt?: string;
  readonly openCount?: number;
  /** The distinct scores whose links were served: several at once is a scanner following every link. */
  readonly openedScores?: readonly string[];
  /** What the e-mail provider reported: delivered to the recipient's server, bounced, or marked as spam. */
  readonly deliveredAt?: string;
  readonly bouncedAt?: string;
  readonly complainedAt?: string;
}

export interface InvitationStore {
  putInvitation(invitation: Invitation): Promise<PutOutcome>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  /**
   * Takes the right to e-mail an invitation: true for one caller while it is unsent and unclaimed (or the
   * claim lapsed, or it is the caller's own claim). Concurrent retries of one request send it once.
   */
  claimInvitation(id: string, claimant: string, now: Date, leaseMs: number): Promise<boolean>;
  releaseInvitation(id: string, claimant: string): Promise<void>;
  markInvitationSent(id: string, sentAt: string): Promise<void>;
  /** Notes that a link of the invitation was served (with the score it carries); answers the invitation as it is now. */
  recordLinkOpened(id: string, score: number | undefined, now: Date): Promise<Invitation | undefined>;
  /** Notes a provider event on the invitation, the first time only; false when there is no such invitation. */
  recordInvitationEvent(id: string, event: 'deliveredAt' | 'bouncedAt' | 'complainedAt', at: string): Promise<boolean>;
}

/** Unsubscribes and bounces, by the keyed hash of an identity (see people/identities.ts). */
export interface SuppressionStore {
  getSuppression(key: string): Promise<{ readonly key: string; readonly since: string; readonly via: string } | undefined>;
  putSuppression(key: string, since: string, via: string): Promise<void>;
  deleteSuppression(key: string): Promise<void>;
}

/** The global contact-fatigue rules (a survey's own rules win field by field). */
export interface FatigueSettingsStore {
  getFatigueSettings(): Promise<FatigueRules | undefined>;
  putFatigueSettings(rules: FatigueRules): Promise<void>;
}

/** How an invitation becomes an e-mail; lambdas/views writes it, so the domain holds no markup. */
export interface InvitationMessages {
  invitationEmail(survey: Pick<Survey, 'name' | 'intro'> & Partial<Pick<Survey, 'language'>>, question: Question, to: { email: string; name?: string }, linkFor: (score: number) => string, unsubscribeUrl: string): EmailMessage;
}
