import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { env } from '../pipeline';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { AlertPublisher, EmailSender } from '../domain/kernel/senders';
import { requireEnv } from './config';
import { once } from './once';
import { tracer } from './powertools';

/** The SES and SNS senders, built on first use, once per container; only handlers that send import this. */
export const emailSender = /* @__PURE__ */ once<EmailSender>(
  () => new SesEmailSender(requireEnv(env.senderEmail), tracer.captureAWSv3Client(new SESv2Client({})), process.env[env.emailConfigurationSet]),
);
export const alertPublisher = /* @__PURE__ */ once<AlertPublisher>(
  () => new SnsAlertPublisher(requireEnv(env.alertTopicArn), tracer.captureAWSv3Client(new SNSClient({}))),
);
