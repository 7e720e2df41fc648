import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { env } from '../pipeline';
import { DynamoFeedbackStore } from '../adapters/dynamo-store';
import { DynamoPhoneStore } from '../adapters/dynamo-phone-store';
import { DynamoReplayGuard } from '../adapters/dynamo-replay-guard';
import { DynamoAggregates } from '../adapters/dynamo-aggregates';
import { DynamoErasure } from '../adapters/dynamo-erasure';
import { documentClient } from '../adapters/dynamo-table';
import type { PhoneStore, ReplayGuard } from '../domain/outreach/phone/ports';
import type { FeedbackStore } from '../domain/ports';
import { requireEnv } from './config';
import { once } from './once';
import { tracer } from './powertools';

/*
 * The DynamoDB adapters, each built on first use, once per container; endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_* variables. Senders live in `notifiers.ts`, so handlers that never send load no SES/SNS client.
 */

/** One DynamoDB client per container, shared by every store. */
const dynamoDbClient = once(() => tracer.captureAWSv3Client(new DynamoDBClient({})));

// Marked pure, so a bundle keeps only the adapters its handler uses.
export const feedbackStore = /* @__PURE__ */ once<FeedbackStore>(() => new DynamoFeedbackStore(requireEnv(env.tableName), dynamoDbClient()));
export const phoneStore = /* @__PURE__ */ once<PhoneStore>(() => new DynamoPhoneStore(requireEnv(env.tableName), dynamoDbClient()));
export const aggregates = /* @__PURE__ */ once(() => new DynamoAggregates(documentClient(dynamoDbClient()), requireEnv(env.tableName)));
export const erasureStore = /* @__PURE__ */ once(() => new DynamoErasure(documentClient(dynamoDbClient()), requireEnv(env.tableName)));
export const replayGuard = /* @__PURE__ */ once<ReplayGuard>(() => new DynamoReplayGuard(requireEnv(env.tableName), dynamoDbClient()));
