import type { AlertingDeps } from '../domain/loop/alerting';
import type { CaseMessages } from '../domain/loop/ports';
import { caseMessages } from '../views/messages';
import { notificationLeaseMs, publicUrl } from './config';
import { caseStore } from './dependencies';
import { secretValue } from './secrets';
import { alertPublisher, emailSender } from './senders';

/** What alerting and escalating a case need: the cases, both notifiers, the case e-mails and the link settings, as of now. */
export async function alertingDeps(): Promise<AlertingDeps & { readonly messages: CaseMessages }> {
  return {
    cases: caseStore(),
    email: emailSender(),
    messages: caseMessages,
    publisher: alertPublisher(),
    publicUrl: publicUrl(),
    tokenSecret: await secretValue('TOKEN_SECRET'),
    ...(notificationLeaseMs() && { notificationLeaseMs: notificationLeaseMs() }),
    now: new Date(),
  };
}
