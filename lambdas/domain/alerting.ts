import { alertEmail } from './messages';
import { alertMessage, openCase, type AlertCase } from './alerts';
import type { AlertPublisher, EmailSender, FeedbackStore } from './ports';
import type { SurveyResponse } from './response';
import type { Survey } from './survey';

export interface AlertingDeps {
  readonly store: FeedbackStore;
  readonly email: EmailSender;
  readonly publisher: AlertPublisher;
  readonly publicUrl: string;
  readonly now: Date;
}

export type AlertOutcome = 'no-alert' | 'opened' | 'resumed' | 'already-notified';

/**
 * Opens a case for a bad experience and notifies the owner (e-mail) and integrations (SNS).
 * The case is written conditionally before anything is sent, and each notification is marked once sent,
 * so a retried batch neither opens a second case nor notifies twice.
 */
export async function alertOnResponse(deps: AlertingDeps, survey: Survey, response: SurveyResponse): Promise<AlertOutcome> {
  const candidate = openCase(survey, response, deps.now);
  if (!candidate) return 'no-alert';
  const outcome = await deps.store.putAlert(candidate);
  const alert: AlertCase | undefined = outcome === 'created' ? candidate : await deps.store.getAlert(candidate.id);
  if (!alert) throw new Error(`alert ${candidate.id} vanished between write and read`);
  const responseUrl = `${deps.publicUrl}/admin/responses/${encodeURIComponent(response.id)}`;
  let sent = false;
  if (alert.notifications.email !== 'sent') {
    await deps.email.send(alertEmail(alert, responseUrl));
    await deps.store.markAlertNotified(alert.id, 'email');
    sent = true;
  }
  if (alert.notifications.sns !== 'sent') {
    await deps.publisher.publish(alertMessage(alert, responseUrl), {
      severity: alert.severity,
      touchpoint: alert.touchpoint,
      channel: alert.channel,
      surveyId: alert.surveyId,
    });
    await deps.store.markAlertNotified(alert.id, 'sns');
    sent = true;
  }
  if (outcome === 'created') return 'opened';
  return sent ? 'resumed' : 'already-notified';
}
