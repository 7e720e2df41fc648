import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { env } from '../pipeline';
import { DynamoFeedbackStore } from '../adapters/dynamo-store';
import { DynamoPhoneStore } from '../adapters/dynamo-phone-store';
import { DynamoReplayGuard } from '../adapters/dynamo-replay-guard';
import { DynamoAggregates } from '../adapters/dynamo-aggregates';
import { DynamoErasure } from '../adapters/dynamo-erasure';
import { documentClient } from '../adapters/dynamo-table';
import type { PhoneStore, ReplayGuard } from '../domain/phone/ports';
import { SesEmailSender } from '../adapters/ses-email-sender';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { AlertPublisher, EmailSender, FeedbackStore } from '../domain/ports';
import type { AlertingDeps } from '../domain/alerting';
import { notificationLeaseMs, publicUrl, requireEnv, secretValue } from './config';
import { tracer } from './powertools';

/** Built on first use, once per container; endpoints come from the SDK's standard AWS_ENDPOINT_URL_* variables. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** One DynamoDB client per container, shared by every store. */
const dynamoDbClient = once(() => tracer.captureAWSv3Client(new DynamoDBClient({})));

export const feedbackStore = once<FeedbackStore>(() => new DynamoFeedbackStore(requireEnv(env.tableName), dynamoDbClient()));
export const phoneStore = once<PhoneStore>(() => new DynamoPhoneStore(requireEnv(env.tableName), dynamoDbClient()));
export const aggregates = once(() => new DynamoAggregates(documentClient(dynamoDbClient()), requireEnv(env.tableName)));
export const erasureStore = once(() => new DynamoErasure(documentClient(dynamoDbClient()), requireEnv(env.tableName)));
export const replayGuard = once<ReplayGuard>(() => new DynamoReplayGuard(requireEnv(env.tableName), dynamoDbClient()));
export const emailSender = once<EmailSender>(
  () => new SesEmailSender(requireEnv(env.senderEmail), tracer.captureAWSv3Client(new SESv2Client({})), process.env[env.emailConfigurationSet]),
);
export const alertPublisher = once<AlertPublisher>(
  () => new SnsAlertPublisher(requireEnv(env.alertTopicArn), tracer.captureAWSv3Client(new SNSClient({}))),
);

/** What processing a response needs: the store, both notifiers, and the link settings, as of now. */
export async function alertingDeps(): Promise<AlertingDeps> {
  return {
    store: feedbackStore(),
    email: emailSender(),
    publisher: alertPublisher(),
    publicUrl: publicUrl(),
    tokenSecret: await secretValue('TOKEN_SECRET'),
    ...(notificationLeaseMs() && { notificationLeaseMs: notificationLeaseMs() }),
    now: new Date(),
  };
}
