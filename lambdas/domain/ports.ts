import type { AlertRuleSet } from './loop/alert-rules';
import type { ContactHistory, FatigueRules } from './outreach/fatigue';
import type { CustomerProfile, ProfileSnapshot } from './people/customers';
import type { AlertCase, NotificationChannel } from './loop/alerts';
import type { SurveyResponse } from './surveys/response';
import type { KeyScope, Role } from './people/roles';
import type { ResponseScores } from './scoring/scoring';
import type { Survey } from './surveys/survey';

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly nextCursor?: string;
}
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

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

export interface ApiKeyRecord {
  readonly keyHash: string;
  /** Public handle for listing and revoking (a prefix of the hash). */
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** A manager's surveys, touchpoints and teams. */
  readonly scope?: KeyScope;
  readonly createdAt: string;
  /** Set once revoked; the authorizer refuses the key from then on. */
  readonly revokedAt?: string;
}

/** What the authorizer reads: a key by its hash. */
export interface ApiKeyLookup {
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

/** What a customer's timeline points at: their responses, cases, and the invitations sent to them. */
export type TimelineKind = 'RESPONSE' | 'CASE' | 'INVITATION';

/** Fields a case listing can be narrowed by (all must match). */
export interface CaseFilter {
  readonly status?: string;
  readonly owner?: string;
  readonly team?: string;
  readonly surveyId?: string;
  readonly touchpoint?: string;
  readonly severity?: string;
}

/** Order, window and, for a manager, the scope of a case listing. */
export interface CaseListing extends PageRequest {
  readonly order: 'newest' | 'oldest';
  readonly since: Date;
  readonly now: Date;
  /** Only cases this scope covers (see `seesCase`). */
  readonly scope?: KeyScope;
}

/** What a failed processing attempt left on the response. */
export interface ProcessingFailure {
  readonly step: 'survey' | 'profile' | 'scoring' | 'case' | 'email' | 'sns' | 'timeline' | 'completion';
  readonly message: string;
  readonly at: string;
}

/** `created` on first write, `exists` when the same key was written before (a retry). */
export type PutOutcome = 'created' | 'exists';

export interface FeedbackStore {
  putSurvey(survey: Survey): Promise<PutOutcome>;
  /** Stores a new version of a survey's alert rules, only if the current one is `expectedVersion`; keeps each version. */
  saveAlertRules(set: AlertRuleSet, expectedVersion: number): Promise<boolean>;
  getAlertRules(surveyId: string, version: number): Promise<AlertRuleSet | undefined>;
  getSurvey(id: string): Promise<Survey | undefined>;

  /**
   * Stores a new response. One that carries the scores of its own revision is stored complete (settled at
   * ingest, or history); any other waits, pending, for processing.
   */
  putResponse(response: SurveyResponse): Promise<PutOutcome>;
  /**
   * Writes a response that grows over time (a call, an SMS exchange): only a higher revision replaces the
   * stored one, so a retried or late write never goes back. `exists` when nothing was written.
   */
  saveResponseRevision(response: SurveyResponse): Promise<PutOutcome>;
  getResponse(id: string): Promise<SurveyResponse | undefined>;
  listResponses(surveyId: string, page: PageRequest): Promise<Page<SurveyResponse>>;
  /**
   * Saves the scores and marks processing finished, only while the response is still at `scores.revision`;
   * false when newer answers arrived meanwhile (their own processing follows).
   */
  completeProcessing(responseId: string, scores: ResponseScores, profile?: ProfileSnapshot): Promise<boolean>;
  /** Notes on a still-unfinished response which step failed, for operators and the sweeper's report. */
  recordProcessingFailure(responseId: string, revision: number, failure: ProcessingFailure): Promise<void>;
  /** Ids of responses whose processing has not finished, written before the given ISO time. */
  listPendingResponses(writtenBefore: string, limit: number): Promise<string[]>;

  putAlert(alert: AlertCase): Promise<PutOutcome>;
  getAlert(id: string): Promise<AlertCase | undefined>;
  /**
   * Takes the right to send one notification of a case for `leaseMs`: true for exactly one caller while it
   * is pending and unclaimed (or the last claim lapsed, e.g. its holder crashed); true again for the same
   * claimant, so a retried claim whose answer was lost still holds.
   */
  claimAlertNotification(id: string, channel: NotificationChannel, claimant: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Gives the claimant's claim back after a send that failed, so a retry need not wait for the lease. */
  releaseAlertNotification(id: string, channel: NotificationChannel, claimant: string): Promise<void>;
  markAlertNotified(id: string, channel: NotificationChannel): Promise<void>;
  /** Writes a person's or the system's change of a case, only if nobody changed it since `expectedVersion`. */
  saveCaseChange(after: AlertCase, expectedVersion: number): Promise<boolean>;
  /** Cases in the window, newest or oldest first, matching every given field. */
  listCases(filter: CaseFilter, page: CaseListing): Promise<Page<AlertCase>>;
  /** Ids of unresolved cases whose next deadline is at or before the given ISO time. */
  listDueCases(before: string, limit: number): Promise<string[]>;

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

  /** A suppression by its keyed hash (see domain/outreach/suppression.ts), or undefined. */
  getSuppression(key: string): Promise<{ readonly key: string; readonly since: string; readonly via: string } | undefined>;
  putSuppression(key: string, since: string, via: string): Promise<void>;
  deleteSuppression(key: string): Promise<void>;

  /** Creates or replaces a customer's profile (a re-import upserts). */
  putCustomer(profile: CustomerProfile): Promise<void>;
  getCustomer(id: string): Promise<CustomerProfile | undefined>;
  /** Points the customer's timeline at a response or case, so their history reads without scanning. */
  /** A pointer on the customer's timeline; `expiresAt` (TTL) makes it go with what it points at. */
  addToCustomerTimeline(customerId: string, kind: TimelineKind, at: string, itemId: string, expiresAt?: number): Promise<void>;
  /** Ids of the customer's latest responses or cases, newest first. */
  customerTimeline(customerId: string, kind: 'RESPONSE' | 'CASE', limit: number): Promise<string[]>;
  /** One identity's contact history (by its keyed hash), or undefined. */
  getContactHistory(key: string): Promise<ContactHistory | undefined>;
  recordContact(key: string, kind: 'invited' | 'answered', at: string): Promise<void>;
  getFatigueSettings(): Promise<FatigueRules | undefined>;
  putFatigueSettings(rules: FatigueRules): Promise<void>;

  putApiKey(key: ApiKeyRecord): Promise<PutOutcome>;
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; `undefined` when no key has this id. Revoking twice keeps the first time. */
  revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord | undefined>;
}

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** The invitation it carries: the provider's delivery and bounce events name it, for the funnel. */
  readonly invitationId?: string;
}
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}
export interface AlertPublisher {
  publish(message: object, attributes: Record<string, string>): Promise<void>;
}
