import type { SurveyResponse } from '../surveys/response';
import type { CustomerProfile } from '../people/customer-schema';
import type { KeyScope } from '../people/roles';
import type { EmailMessage } from '../kernel/senders';
import type { Page, PageRequest, PutOutcome } from '../kernel/store';
import type { AlertCase, NotificationChannel } from './alerts';

/* The loop context's ports: cases and their notifications, and how a case is written as an e-mail. */

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

export interface CaseStore {
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
  /** Gives the case the customer's comment that came after it opened, with an event in its history; false when it had it already. */
  recordCaseComment(id: string, comment: string, at: Date): Promise<boolean>;
  /** Writes a person's or the system's change of a case, only if nobody changed it since `expectedVersion`. */
  saveCaseChange(after: AlertCase, expectedVersion: number): Promise<boolean>;
  /** Cases in the window, newest or oldest first, matching every given field. */
  listCases(filter: CaseFilter, page: CaseListing): Promise<Page<AlertCase>>;
  /** Ids of unresolved cases whose next deadline (or retry of a failed notice) is at or before the given ISO time, oldest first. */
  listDueCases(before: string, limit: number): Promise<string[]>;
  /** Notes why a case's escalation notice failed and defers it to `failure.retryAt`, or parks it. */
  recordNoticeFailure(id: string, failure: NonNullable<AlertCase['noticeFailure']>): Promise<void>;
  /** Ids of cases whose escalation notice is parked after failing too often. */
  listParkedCases(limit: number): Promise<string[]>;
  /** Puts a parked case back in front of the escalation, its attempts forgotten. */
  unparkCase(id: string, now: Date): Promise<void>;
}

/** The customer as a case shows them: the CRM profile (name included, read when shown, never stored on the case). */
export type CaseCustomer = Partial<Omit<CustomerProfile, 'customerId' | 'email' | 'phone'>>;

/** What the alert e-mail adds to the case: the customer's profile when the CRM has one. */
export interface AlertEmailContext {
  readonly customer?: CaseCustomer;
}

/** How a case becomes an e-mail; lambdas/views writes them, so the domain holds no markup. */
export interface CaseMessages {
  /** The owner's alert, with the signed link to the case page. */
  alertEmail(alert: AlertCase, caseUrl: string, context?: AlertEmailContext): EmailMessage;
  /** The notice of an escalation, to whoever the case escalates to. */
  escalationEmail(kase: AlertCase, to: string, link: string): EmailMessage;
  /** The follow-up to the owner when the customer's comment came after the alert. */
  commentEmail(kase: AlertCase, caseUrl: string): EmailMessage;
}

/** Where events go besides e-mail and SNS (signed webhooks, Slack, Teams): written to an outbox, sent after. */
export interface EventOutbox {
  /** Queues a case event for every destination that wants it; idempotent (a retry queues nothing twice). */
  enqueueCaseEvent(type: 'case.opened' | 'case.updated' | 'case.escalated' | 'case.resolved', alert: AlertCase, caseUrl: string): Promise<number>;
  /** Queues `response.completed` for a processed response (its revision's event); idempotent. */
  enqueueResponseEvent(response: SurveyResponse, comment: string | undefined): Promise<number>;
}
