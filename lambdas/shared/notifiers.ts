import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { env } from '../pipeline';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { AlertingDeps } from '../domain/loop/alerting';
import type { CaseMessages } from '../domain/loop/ports';
import type { ProcessingDeps } from '../domain/loop/processing';
import type { AlertPublisher, EmailSender } from '../domain/kernel/senders';
import { notificationLeaseMs, publicUrl, requireEnv } from './config';
import { caseMessages } from '../views/messages';
import { caseStore, contactHistoryStore, customerStore, responseStore, surveyStore } from './dependencies';
import { once } from './once';
import { tracer } from './powertools';
import { secretValue } from './secrets';

/** The SES and SNS senders, built on first use, once per container; only handlers that send import this. */
export const emailSender = /* @__PURE__ */ once<EmailSender>(
  () => new SesEmailSender(requireEnv(env.senderEmail), tracer.captureAWSv3Client(new SESv2Client({})), process.env[env.emailConfigurationSet]),
);
export const alertPublisher = /* @__PURE__ */ once<AlertPublisher>(
  () => new SnsAlertPublisher(requireEnv(env.alertTopicArn), tracer.captureAWSv3Client(new SNSClient({}))),
);

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

/** What processing a response needs besides alerting: the response, its survey, the customer, their contact history. */
export async function processingDeps(): Promise<ProcessingDeps> {
  return { ...(await alertingDeps()), responses: responseStore(), surveys: surveyStore(), customers: customerStore(), contacts: contactHistoryStore() };
}
