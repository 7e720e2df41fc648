import { randomUUID } from 'node:crypto';
import type { AlertPublisher, EmailSender } from '../kernel/senders';
import { alertMessage, openCase, type AlertCase, type NoticeRoute, type NotificationChannel } from './alerts';
import type { CaseCustomer, CaseMessages, CaseStore, EventOutbox } from './ports';
import type { SurveyResponse } from '../surveys/response';
import { step } from './processing-steps';
import type { Survey } from '../surveys/survey';
import { caseLinkToken } from '../kernel/tokens';

export interface AlertingDeps {
  readonly cases: CaseStore;
  readonly email: EmailSender;
  readonly messages: Pick<CaseMessages, 'alertEmail' | 'commentEmail'>;
  readonly publisher: AlertPublisher;
  readonly publicUrl: string;
  /** Signs the case link in the owner's e-mail. */
  readonly tokenSecret: string;
  /** Destinations' outbox; absent where no case is opened (it is the processing step's). */
  readonly outbox?: EventOutbox;
  /** How long a claim on a notification holds. @default NOTIFICATION_LEASE_MS */
  readonly notificationLeaseMs?: number;
  /** First pause between attempts to record a sent notification (doubling). @default 250 */
  readonly markRetryDelayMs?: number;
  readonly now: Date;
}

export type AlertOutcome = 'no-alert' | 'opened' | 'resumed' | 'already-notified';

/** How long a claim on a notification holds by default: longer than any send takes, short enough to recover a crash. */
export const NOTIFICATION_LEASE_MS = 2 * 60_000;

/** How long the owner's case link stays valid. */
export const CASE_LINK_DAYS = 30;

/** Thrown when another worker holds the claim on a notification: retry later, never send beside it. */
export class NotificationInProgress extends Error {
  constructor(alertId: string, channel: NotificationChannel) {
    super(`the ${channel} notification of case ${alertId} is being sent by another worker`);
    this.name = 'NotificationInProgress';
  }
}

/** What sending a notice once needs: the claims on the case, and how long they hold. */
export type NoticeDeps = Pick<AlertingDeps, 'cases' | 'now' | 'notificationLeaseMs' | 'markRetryDelayMs'>;

/**
 * Records a notification as sent, trying hard: between the provider accepting it and this write lies the one
 * window in which a stopped worker makes the notification go out twice (after the claim's lease).
 */
async function markSent(deps: NoticeDeps, alertId: string, channel: NotificationChannel): Promise<void> {
  const first = deps.markRetryDelayMs ?? 250;
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.cases.markAlertNotified(alertId, channel);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, first * 2 ** attempt));
    }
  }
}

/** A signed, expiring link to the case that its owner can open without an API key. */
export function caseUrl(deps: Pick<AlertingDeps, 'publicUrl' | 'tokenSecret' | 'now'>, alert: Pick<AlertCase, 'id' | 'owner'>): string {
  const expiresAt = Math.floor(deps.now.getTime() / 1000) + CASE_LINK_DAYS * 86400;
  return `${deps.publicUrl}/c/${caseLinkToken(deps.tokenSecret, { caseId: alert.id, owner: alert.owner, expiresAt })}`;
}

/**
 * Opens a case for a bad experience and notifies the owner (e-mail) and integrations (SNS).
 * The case is written conditionally before anything is sent; each notification is claimed before it is sent
 * and marked once sent. So retries, the sweeper and the stream working on the same response at once neither
 * open a second case nor notify twice — except when a worker stops between the provider accepting a message
 * and the mark being written: after the claim lapses, that one notification is sent again.
 */
export async function alertOnResponse(deps: AlertingDeps, survey: Survey, response: SurveyResponse, customer?: CaseCustomer): Promise<AlertOutcome> {
  const candidate = openCase(survey, response, deps.now);
  if (!candidate) return 'no-alert';
  const outcome = await step('case', () => deps.cases.putAlert(candidate));
  const stored: AlertCase | undefined = outcome === 'created' ? candidate : await step('case', () => deps.cases.getAlert(candidate.id));
  if (!stored) throw new Error(`alert ${candidate.id} vanished between write and read`);
  // A later revision brought the comment (a one-click score, then the page's comment): the case gets it.
  const lateComment = outcome === 'exists' && candidate.comment !== undefined && candidate.comment !== stored.comment ? candidate.comment : undefined;
  if (lateComment) await step('case', () => deps.cases.recordCaseComment(stored.id, lateComment, deps.now));
  const alert: AlertCase = lateComment ? { ...stored, comment: lateComment } : stored;
  const link = caseUrl(deps, alert);
  // Integrations get the admin API's address of the response; only the owner's e-mail carries the signed link.
  const responseUrl = `${deps.publicUrl}/admin/responses/${encodeURIComponent(response.id)}`;
  // Names this attempt's claims; the store grants a claimant its own claim again.
  const claimant = randomUUID();
  const notify = async (channel: NoticeRoute | 'comment-email', send: () => Promise<void>): Promise<boolean> =>
    alert.notifications[channel] === 'sent' ? false : step(channel === 'sns' ? 'sns' : 'email', () => sendOnce(deps, alert.id, channel, claimant, send));
  const emailed = await notify('email', () => deps.email.send(deps.messages.alertEmail(alert, link, { ...(customer && { customer }) })));
  const published = await notify('sns', () =>
    deps.publisher.publish(alertMessage(alert, responseUrl), {
      severity: alert.severity,
      touchpoint: alert.touchpoint,
      channel: alert.channel,
      surveyId: alert.surveyId,
    }),
  );
  // Destinations (webhooks, chat): written to their outbox here, sent by their own consumer; idempotent.
  if (deps.outbox) await step('destinations', () => deps.outbox!.enqueueCaseEvent('case.opened', alert, link));
  // The owner read the alert without it: a follow-up with the comment, once.
  if (lateComment && !emailed && stored.notifications.email === 'sent') {
    await notify('comment-email', () => deps.email.send(deps.messages.commentEmail(alert, link)));
  }
  if (outcome === 'created') return 'opened';
  return emailed || published ? 'resumed' : 'already-notified';
}

/**
 * Sends one notice of a case at most once: claimed (per case and channel), sent, marked sent. False when it
 * had gone out already; throws when the send failed (the claim is given back) or another worker holds it.
 */
export async function sendOnce(deps: NoticeDeps, caseId: string, channel: NotificationChannel, claimant: string, send: () => Promise<void>): Promise<boolean> {
  const release = () => deps.cases.releaseAlertNotification(caseId, channel, claimant).catch(() => undefined);
  let claimed: boolean;
  try {
    claimed = await deps.cases.claimAlertNotification(caseId, channel, claimant, deps.now, deps.notificationLeaseMs ?? NOTIFICATION_LEASE_MS);
  } catch (error) {
    // The claim may have been written before the failure: give it back rather than wait for the lease.
    await release();
    throw error;
  }
  if (!claimed) {
    const current = await deps.cases.getAlert(caseId);
    if (current?.notifications[channel] === 'sent') return false;
    throw new NotificationInProgress(caseId, channel);
  }
  try {
    await send();
  } catch (error) {
    // Nothing went out: let the next attempt send at once instead of waiting for the lease to lapse.
    await release();
    throw error;
  }
  await markSent(deps, caseId, channel);
  return true;
}
