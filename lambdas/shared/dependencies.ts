import type { AnalysisStore, ThemeSetStore } from '../domain/comments/ports';
import type { DeliveryStore, DestinationStore } from '../domain/destinations/ports';
import { DynamoDeliveryStore } from '../adapters/dynamodb/deliveries';
import { DynamoDestinationStore } from '../adapters/dynamodb/destinations';
import { DynamoDigestClaims } from '../adapters/dynamodb/digests';
import type { DigestClaims } from '../domain/destinations/digests';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { env } from '../pipeline';
import { DynamoAggregates } from '../adapters/dynamodb/aggregates';
import { DynamoApiKeyLookup } from '../adapters/dynamodb/api-key-lookup';
import { DynamoDashboardSessions } from '../adapters/dynamodb/dashboard-sessions';
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-keys';
import { DynamoCaseStore } from '../adapters/dynamodb/cases';
import { DynamoContactHistoryStore, DynamoCustomerStore } from '../adapters/dynamodb/customers';
import { DynamoErasure } from '../adapters/dynamodb/erasure';
import { DynamoInvitationStore } from '../adapters/dynamodb/invitations';
import { DynamoMetricWatchStore } from '../adapters/dynamodb/metric-watches';
import { DynamoPhoneStore } from '../adapters/dynamodb/phone';
import { DynamoReplayGuard } from '../adapters/dynamodb/replay-guard';
import { DynamoResponseStore } from '../adapters/dynamodb/responses';
import { DynamoFatigueSettingsStore, DynamoSuppressionStore } from '../adapters/dynamodb/suppressions';
import { DynamoSurveyStore } from '../adapters/dynamodb/surveys';
import { documentClient } from '../adapters/dynamodb/table';
import type { AggregateStore, MetricWatchStore } from '../domain/insight/ports';
import type { CaseStore } from '../domain/loop/ports';
import type { PhoneStore, ReplayGuard } from '../domain/outreach/phone/ports';
import type { FatigueSettingsStore, InvitationStore, SuppressionStore } from '../domain/outreach/ports';
import type { ApiKeyLookup, ApiKeyStore, ContactHistoryStore, CustomerStore, DashboardSessions, ErasureStore } from '../domain/people/ports';
import type { ResponseStore, SurveyStore } from '../domain/surveys/ports';
import { requireEnv } from './config';
import { once } from './once';
import { tracer } from './powertools';

/*
 * The DynamoDB adapters, one per port, each built on first use, once per container; endpoints come from the
 * SDK's standard AWS_ENDPOINT_URL_* variables. A handler imports the ports it uses and no other. Senders live
 * in `senders.ts`, so handlers that never send load no SES/SNS client.
 */

/** One DynamoDB client per container, shared by every store. */
const dynamoDbClient = once(() => tracer.captureAWSv3Client(new DynamoDBClient({})));
const tableName = () => requireEnv(env.tableName);

// Marked pure, so a bundle keeps only the adapters its handler uses.
export const surveyStore = /* @__PURE__ */ once<SurveyStore & ThemeSetStore>(() => new DynamoSurveyStore(tableName(), dynamoDbClient()));
export const deliveryStore = /* @__PURE__ */ once<DeliveryStore>(() => new DynamoDeliveryStore(tableName(), dynamoDbClient()));
export const destinationStore = /* @__PURE__ */ once<DestinationStore>(() => new DynamoDestinationStore(tableName(), dynamoDbClient()));
export const responseStore = /* @__PURE__ */ once<ResponseStore & AnalysisStore>(() => new DynamoResponseStore(tableName(), dynamoDbClient()));
export const caseStore = /* @__PURE__ */ once<CaseStore>(() => new DynamoCaseStore(tableName(), dynamoDbClient()));
export const invitationStore = /* @__PURE__ */ once<InvitationStore>(() => new DynamoInvitationStore(tableName(), dynamoDbClient()));
export const suppressionStore = /* @__PURE__ */ once<SuppressionStore>(() => new DynamoSuppressionStore(tableName(), dynamoDbClient()));
export const fatigueSettingsStore = /* @__PURE__ */ once<FatigueSettingsStore>(() => new DynamoFatigueSettingsStore(tableName(), dynamoDbClient()));
export const customerStore = /* @__PURE__ */ once<CustomerStore>(() => new DynamoCustomerStore(tableName(), dynamoDbClient()));
export const contactHistoryStore = /* @__PURE__ */ once<ContactHistoryStore>(() => new DynamoContactHistoryStore(tableName(), dynamoDbClient()));
export const apiKeyStore = /* @__PURE__ */ once<ApiKeyStore>(() => new DynamoApiKeyStore(tableName(), dynamoDbClient()));
/** The one read of a key by its hash, without the key store's writes (the dashboard's sign-in). */
export const apiKeyLookup = /* @__PURE__ */ once<ApiKeyLookup>(() => new DynamoApiKeyLookup(tableName(), dynamoDbClient()));
export const phoneStore = /* @__PURE__ */ once<PhoneStore>(() => new DynamoPhoneStore(tableName(), dynamoDbClient()));
export const aggregateStore = /* @__PURE__ */ once<AggregateStore>(() => new DynamoAggregates(documentClient(dynamoDbClient()), tableName()));
export const erasureStore = /* @__PURE__ */ once<ErasureStore>(() => new DynamoErasure(documentClient(dynamoDbClient()), tableName()));
export const dashboardSessions = /* @__PURE__ */ once<DashboardSessions>(() => new DynamoDashboardSessions(tableName(), dynamoDbClient()));
export const replayGuard = /* @__PURE__ */ once<ReplayGuard>(() => new DynamoReplayGuard(tableName(), dynamoDbClient()));
export const metricWatchStore = /* @__PURE__ */ once<MetricWatchStore>(() => new DynamoMetricWatchStore(tableName(), dynamoDbClient()));
export const digestClaims = /* @__PURE__ */ once<DigestClaims>(() => new DynamoDigestClaims(tableName(), dynamoDbClient()));
