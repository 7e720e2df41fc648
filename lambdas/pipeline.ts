/**
 * The pipeline, declared once. The CDK stack turns it into HTTP API routes, functions and event source
 * mappings; the local runtime serves the same handler modules and feeds the same consumers from the
 * table's stream. Plain data only: no CDK or SDK imports, so both sides can read it cheaply.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route. `apiKey` routes pass the API-key authorizer first. */
export type RouteAuth = RouteDefinition['auth'];

/** API-key roles (see lambdas/domain/people/roles.ts for what each may do). */
export type ApiKeyRole = 'admin' | 'manager' | 'analyst';

interface RouteBase {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders; a last `{param+}` is greedy (one or more segments). */
  readonly path: string;
  /** Key into {@link handlers}. */
  readonly handler: HandlerName;
}

/** Admin routes name the roles that may call them; every handler refuses the others before it runs. */
export type RouteDefinition = (RouteBase & { readonly auth: 'public' | 'provider' }) | (RouteBase & { readonly auth: 'apiKey'; readonly roles: readonly ApiKeyRole[] });

/** Partition-key prefixes of the single table's items, one per entity. */
export const KEY_PREFIXES = ['SURVEY#', 'RESPONSE#', 'ALERT#', 'INVITATION#', 'APIKEY#', 'CONVERSATION#', 'PHONEROUTE#', 'PHONE#', 'WEBHOOKJTI#', 'SUPPRESS#', 'CONTACT#', 'SETTINGS#', 'CUSTOMER#', 'AGG#', 'AGGDONE#', 'AGGHOLD#', 'AGGJ#', 'AUDIT#', 'ERASED#', 'SESSIONS#', 'DESTINATION#', 'DELIVERY#', 'METRIC#', 'METRICRUN#', 'DIGEST#'] as const;
export type KeyPrefix = (typeof KEY_PREFIXES)[number];
export type IndexName = (typeof table.indexes)[number]['name'];

/** Partition-key prefixes of the index partitions: `SURVEY#<id>#RESPONSES`, `CASES#<month>`, `APIKEYS`, `SURVEYS` (gsi1), `PENDING#<n>`, `DUE#<n>` (gsi2). */
export type IndexPartitionPrefix = 'SURVEY#' | 'CASES#' | 'PENDING#' | 'PARKED#' | 'HELD#' | 'DUE#' | 'DUEPARKED#' | 'APIKEYS' | 'SURVEYS' | 'DESTINATIONS' | 'DLVDUE#';

/**
 * Which items a handler touches. The stack grants exactly these actions, with a `dynamodb:LeadingKeys`
 * condition on the prefixes: no Scan, no BatchWriteItem anywhere, DeleteItem only where declared.
 */
export interface TableAccess {
  /** GetItem on items whose partition key starts with one of these. */
  readonly read?: readonly KeyPrefix[];
  /** PutItem and UpdateItem (also inside TransactWriteItems) on these. */
  readonly write?: readonly KeyPrefix[];
  /**
   * Query, per index, on the index partitions starting with these prefixes (IAM checks `dynamodb:LeadingKeys`
   * against the partition-key value of the request, which for an index query is the index's partition key).
   */
  readonly query?: { readonly [index in IndexName]?: readonly IndexPartitionPrefix[] };
  /** Query on the table itself, within the partitions of these prefixes (a customer's timeline). */
  readonly queryItems?: readonly KeyPrefix[];
  /** DeleteItem on these (what a person may take back, like an unsubscribe; an erasure; a finished rebuild). */
  readonly delete?: readonly KeyPrefix[];
  /** ConditionCheck inside TransactWriteItems on these (a write that depends on another item's state). */
  readonly check?: readonly KeyPrefix[];
}

/** What a handler needs from the environment; the stack grants exactly these, and sets only their variables. */
export interface HandlerAccess {
  readonly table?: TableAccess;
  /** Builds links or checks signed URLs, so it needs PUBLIC_URL. */
  readonly links?: boolean;
  readonly sendEmail?: boolean;
  readonly publishAlerts?: boolean;
  /** Secrets (by name in {@link secrets}) the handler reads. */
  readonly secrets?: readonly SecretName[];
  /** Sends SMS through Twilio (account SID and sender number come from the stack's settings). */
  readonly sendSms?: boolean;
  /** Sends invitations through the SES configuration set whose events report deliveries and bounces. */
  readonly emailEvents?: boolean;
  /**
   * Reads comments with the stack's text reader (see {@link TEXT_ANALYTICS}): with Amazon Comprehend, the
   * function gets `TEXT_ANALYTICS=comprehend` and the three Comprehend actions the reader calls.
   */
  readonly readsComments?: boolean;
}

/** Who reads comments: `builtin` in the function, or Amazon Comprehend (`-c textAnalytics=comprehend`). */
export const TEXT_ANALYTICS = ['builtin', 'comprehend'] as const;
export type TextAnalytics = (typeof TEXT_ANALYTICS)[number];

export interface HandlerDefinition {
  /** Module path from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly access: HandlerAccess;
  /**
   * From `npm run bench` (`peakRssMbByHandler`): 256 MB holds every measured HTTP handler (ingest peaks at
   * about 80 MB, the largest CRM import at about 125 MB) and gives the caller twice the CPU share of 128 MB;
   * stream consumers, which nobody waits on, peak under 80 MB and take 128 MB. @default 256
   */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}

/**
 * An event filter in the Lambda event-filtering grammar (subset: literal lists, `prefix`, `exists`),
 * applied by the event source mapping in AWS and by the local stream poller.
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterValue[] };
export type FilterValue = string | number | boolean | null | { readonly prefix: string } | { readonly exists: boolean };

export interface StreamConsumerDefinition {
  readonly name: string;
  readonly handler: HandlerName;
  readonly filters: readonly FilterPattern[];
  /** @default 25 */
  readonly batchSize?: number;
  /** @default 3 */
  readonly retryAttempts?: number;
  /** @default 3600 */
  readonly maxRecordAgeSeconds?: number;
  /** @default 1 */
  readonly maxBatchingWindowSeconds?: number;
}

/** A handler run on a timer: EventBridge Scheduler in AWS, a timer in the local runtime. */
export interface ScheduleDefinition {
  readonly name: string;
  readonly handler: HandlerName;
  readonly everyMinutes: number;
}

/**
 * Secrets the handlers read. `generated` ones are created with a random value; the others hold a
 * provider's credential and must be set after deploy (`aws secretsmanager put-secret-value`).
 */
export const secrets = {
  /** HMAC key for e-mail link tokens. */
  TOKEN_SECRET: { description: 'HMAC key that signs survey link tokens', generated: true },
  TWILIO_AUTH_TOKEN: { description: 'Twilio auth token: verifies webhook signatures, authenticates outbound SMS', generated: false },
  VONAGE_SIGNATURE_SECRET: { description: 'Vonage signature secret: verifies signed voice webhooks', generated: false },
} as const;
export type SecretName = keyof typeof secrets;

/** Single-table design: entity type is the key prefix, GSI1 serves the listings. */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' },
    // Sparse: only responses whose processing (scores, alert) is not finished carry these keys.
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'keysOnly' },
  ],
} as const;

/**
 * What every phone webhook reads and writes: the conversation, the number's route and contact, the response.
 * (Referenced whole, never by property or spread: either would keep this table in every bundle.)
 */
const phoneReads = ['SURVEY#', 'CONVERSATION#', 'PHONEROUTE#', 'PHONE#'] as const satisfies readonly KeyPrefix[];
const phoneConversations = { read: phoneReads, write: ['CONVERSATION#', 'RESPONSE#'] } as const satisfies TableAccess;

/** What erasing a customer deletes: their profile and timeline, responses, cases, invitations, conversations, phone mappings, contact history. */
const ERASED_ITEMS: readonly KeyPrefix[] = ['CUSTOMER#', 'RESPONSE#', 'ALERT#', 'INVITATION#', 'CONVERSATION#', 'PHONE#', 'CONTACT#'];

export const handlers = {
  health: {
    entry: 'lambdas/handlers/health.ts',
    description: 'Liveness probe',
    access: {},
    memoryMb: 128,
  },
  authorizer: {
    entry: 'lambdas/handlers/authorizer.ts',
    description: 'Checks API keys (stored hashed) for admin routes',
    access: { table: { read: ['APIKEY#'] } },
  },
  openApi: {
    entry: 'lambdas/handlers/openapi.ts',
    description: 'Serves the OpenAPI 3.1 document of the API',
    access: { links: true },
  },
  destinations: {
    entry: 'lambdas/handlers/destinations.ts',
    description: 'Creates, lists, edits and deletes destinations (signed webhooks, Slack, Teams) and rotates webhook secrets',
    // SURVEY# and gsi1 SURVEYS: a destination that alert rules route to is not deleted or switched off under them.
    access: { table: { read: ['DESTINATION#', 'DELIVERY#', 'SURVEY#'], write: ['DESTINATION#', 'DELIVERY#'], delete: ['DESTINATION#'], queryItems: ['DELIVERY#'], query: { gsi1: ['DESTINATIONS', 'SURVEYS'] } } },
  },
  apiKeys: {
    entry: 'lambdas/handlers/api-keys.ts',
    description: 'Creates, lists and revokes API keys (admin, manager with a scope, analyst)',
    access: { table: { read: ['APIKEY#'], write: ['APIKEY#'], query: { gsi1: ['APIKEYS'] } } },
  },
  createSurvey: {
    entry: 'lambdas/handlers/create-survey.ts',
    description: 'Creates a survey, replaces its definition under If-Match (answered questions are hidden, never removed), archives or unarchives it',
    // The responses index tells whether a survey has any response (a left-out question is then hidden).
    access: { table: { read: ['SURVEY#'], write: ['SURVEY#'], query: { gsi1: ['SURVEY#'] } }, links: true },
  },
  getSurvey: {
    entry: 'lambdas/handlers/get-survey.ts',
    description: 'Reads a survey, and lists surveys (by the survey index) with their response counts (month cells) and last answer',
    access: { table: { read: ['SURVEY#'], query: { gsi1: ['SURVEYS', 'SURVEY#'] }, queryItems: ['AGG#'] } },
  },
  sendInvitations: {
    entry: 'lambdas/handlers/send-invitations.ts',
    description: 'E-mails survey invitations with one-click score links',
    access: { table: { read: ['SURVEY#', 'INVITATION#', 'SUPPRESS#', 'CONTACT#', 'SETTINGS#'], write: ['INVITATION#', 'CONTACT#', 'CUSTOMER#'] }, links: true, sendEmail: true, emailEvents: true, secrets: ['TOKEN_SECRET'] },
    timeoutSeconds: 29,
  },
  getResponse: {
    entry: 'lambdas/handlers/get-response.ts',
    description: 'Reads one response with its scores',
    access: { table: { read: ['RESPONSE#'] } },
  },
  listResponses: {
    entry: 'lambdas/handlers/list-responses.ts',
    description: 'Lists a survey\'s responses, paginated',
    access: { table: { read: ['SURVEY#'], query: { gsi1: ['SURVEY#'] } } },
  },
  exportResponses: {
    entry: 'lambdas/handlers/export-responses.ts',
    description: 'Exports a survey\'s responses as CSV or JSON Lines, a page at a time',
    access: { table: { read: ['SURVEY#'], query: { gsi1: ['SURVEY#'] } } },
  },
  customers: {
    entry: 'lambdas/handlers/customers.ts',
    description: 'Imports CRM customer profiles and reads a customer with their responses and cases',
    access: { table: { read: ['CUSTOMER#', 'RESPONSE#', 'ALERT#'], write: ['CUSTOMER#', 'PHONE#'], queryItems: ['CUSTOMER#'] } },
    timeoutSeconds: 29,
  },
  importResponses: {
    entry: 'lambdas/handlers/import-responses.ts',
    description: 'Imports answers collected offline (face-to-face, direct mail) from CSV',
    access: { table: { read: ['SURVEY#'], write: ['RESPONSE#'], query: { gsi1: ['DESTINATIONS'] } } },
    timeoutSeconds: 29,
  },
  fatigueSettings: {
    entry: 'lambdas/handlers/fatigue-settings.ts',
    description: 'Reads and sets the global contact-fatigue rules',
    access: { table: { read: ['SETTINGS#'], write: ['SETTINGS#'] } },
  },
  alertRules: {
    entry: 'lambdas/handlers/alert-rules.ts',
    description: 'Reads and replaces a survey\'s versioned alert rules',
    access: { table: { read: ['SURVEY#', 'DESTINATION#'], write: ['SURVEY#'] } },
  },
  listCases: {
    entry: 'lambdas/handlers/list-cases.ts',
    description: 'Lists cases by month opened, filtered and paginated',
    access: { table: { query: { gsi1: ['CASES#'] } } },
  },
  getCase: {
    entry: 'lambdas/handlers/get-case.ts',
    description: 'Reads a case with its history and response',
    access: { table: { read: ['ALERT#', 'RESPONSE#'] } },
  },
  caseAction: {
    entry: 'lambdas/handlers/case-action.ts',
    description: 'Acknowledges, notes, assigns, resolves or reopens a case',
    access: { table: { read: ['ALERT#'], write: ['ALERT#'] } },
  },
  escalateCases: {
    entry: 'lambdas/handlers/escalate-cases.ts',
    description: 'Scheduled: escalates cases past their acknowledge or resolve deadline; once an hour, checks the metric alerts (cx metrics check runs them now); sends the digests that are due',
    // SURVEY#..DELIVERY#: the metric alerts read the surveys and their day cells, keep their episodes, and queue metric.alert.
    // DIGEST#, CASES#: the digests also read the surveys' cases and claim each digest before it is sent.
    access: {
      table: {
        read: ['ALERT#', 'SURVEY#', 'DIGEST#'],
        write: ['ALERT#', 'METRIC#', 'METRICRUN#', 'DELIVERY#', 'DIGEST#'],
        queryItems: ['AGG#', 'METRIC#'],
        query: { gsi1: ['SURVEYS', 'DESTINATIONS', 'CASES#'], gsi2: ['DUE#', 'DUEPARKED#'] },
      },
      links: true,
      sendEmail: true,
      publishAlerts: true,
      secrets: ['TOKEN_SECRET'],
    },
    timeoutSeconds: 120,
  },
  surveyForm: {
    entry: 'lambdas/handlers/survey-form.ts',
    description: 'Serves the hosted HTML survey form',
    access: { table: { read: ['SURVEY#'] }, links: true },
  },
  submitResponse: {
    entry: 'lambdas/handlers/submit-response.ts',
    description: 'Accepts web responses (JSON or the hosted form)',
    access: { table: { read: ['SURVEY#'], write: ['RESPONSE#'], query: { gsi1: ['DESTINATIONS'] } } },
  },
  emailLink: {
    entry: 'lambdas/handlers/email-link.ts',
    description: 'One-click score links from invitation e-mails',
    access: { table: { read: ['SURVEY#', 'INVITATION#', 'RESPONSE#'], write: ['RESPONSE#', 'INVITATION#'], query: { gsi1: ['DESTINATIONS'] } }, links: true, secrets: ['TOKEN_SECRET'] },
  },
  unsubscribe: {
    entry: 'lambdas/handlers/unsubscribe.ts',
    description: 'Unsubscribe page and RFC 8058 one-click unsubscribe from invitation e-mails',
    access: { table: { read: ['SUPPRESS#'], write: ['SUPPRESS#'], delete: ['SUPPRESS#'] }, secrets: ['TOKEN_SECRET'] },
  },
  viewCase: {
    entry: 'lambdas/handlers/view-case.ts',
    description: 'The case page its owner opens from the signed link in the alert e-mail, and its actions',
    access: { table: { read: ['ALERT#', 'RESPONSE#', 'SURVEY#', 'CUSTOMER#'], write: ['ALERT#'], queryItems: ['CUSTOMER#'] }, links: true, secrets: ['TOKEN_SECRET'] },
  },
  processResponses: {
    entry: 'lambdas/handlers/process-responses.ts',
    description: 'Stream consumer: scores each response once, opens a case and notifies the owner for bad experiences',
    // Erasing on arrival (a customer erased while their answer was on its way) deletes what erasure deletes.
    // DESTINATION# and DELIVERY#: the outbox written with a case, and its deliveries sent from the stream.
    access: { table: { read: ['SURVEY#', 'ALERT#', 'CUSTOMER#', 'RESPONSE#', 'ERASED#', 'DESTINATION#', 'DELIVERY#'], write: ['RESPONSE#', 'ALERT#', 'CONTACT#', 'CUSTOMER#', 'AUDIT#', 'DESTINATION#', 'DELIVERY#'], queryItems: ['CUSTOMER#'], delete: ERASED_ITEMS, query: { gsi1: ['DESTINATIONS'] } }, links: true, sendEmail: true, publishAlerts: true, secrets: ['TOKEN_SECRET'], readsComments: true },
    timeoutSeconds: 60,
    memoryMb: 128,
  },
  erasure: {
    entry: 'lambdas/handlers/erasure.ts',
    description: 'Erases a customer (profile, responses, cases, invitations, conversations, phone mappings) and keeps an audit without personal data',
    access: {
      table: {
        read: ['CUSTOMER#', 'RESPONSE#'],
        write: ['AUDIT#', 'ERASED#'],
        queryItems: ['CUSTOMER#', 'AUDIT#'],
        delete: ERASED_ITEMS,
      },
      secrets: ['TOKEN_SECRET'],
    },
    timeoutSeconds: 29,
  },
  emailEvents: {
    entry: 'lambdas/handlers/email-events.ts',
    description: 'SES delivery, bounce and complaint events of invitations: the funnel, and bounce suppression',
    access: { table: { write: ['INVITATION#', 'SUPPRESS#'] }, secrets: ['TOKEN_SECRET'] },
  },
  aggregateResponses: {
    entry: 'lambdas/handlers/aggregate-responses.ts',
    description: 'Stream consumer: keeps the per-day and per-month aggregates of scored responses, once per record',
    access: { table: { write: ['AGG#', 'AGGDONE#', 'AGGJ#'], check: ['AGGHOLD#'] } },
    timeoutSeconds: 60,
    memoryMb: 128,
  },
  aggregateMaintenance: {
    entry: 'lambdas/handlers/aggregate-maintenance.ts',
    description: 'Operators (cx aggregates): verifies a survey\'s aggregate cells against its responses, or rebuilds them',
    access: {
      table: {
        read: ['AGGHOLD#'],
        write: ['AGG#', 'AGGHOLD#'],
        delete: ['AGGHOLD#', 'AGGJ#'],
        queryItems: ['AGG#', 'AGGJ#'],
        query: { gsi1: ['SURVEY#'] },
      },
    },
    timeoutSeconds: 900,
    memoryMb: 512,
  },
  reports: {
    entry: 'lambdas/handlers/reports.ts',
    description: 'Reports from the aggregates (summary, trend, funnel, export, themes) and case metrics',
    access: { table: { read: ['SURVEY#'], queryItems: ['AGG#'], query: { gsi1: ['CASES#', 'SURVEY#'] } } },
    timeoutSeconds: 29,
  },
  dashboard: {
    entry: 'lambdas/handlers/dashboard.ts',
    description: 'The dashboard: sign-in with an API key into a session, and the server-drawn pages from the aggregates, cases and destinations',
    access: {
      // DELIVERY# and DESTINATIONS: the destinations page (admin) reads the destinations and their delivery logs.
      table: { read: ['APIKEY#', 'SURVEY#', 'SESSIONS#', 'ALERT#', 'RESPONSE#', 'CUSTOMER#'], write: ['SESSIONS#', 'ALERT#'], queryItems: ['AGG#', 'CUSTOMER#', 'DELIVERY#'], query: { gsi1: ['SURVEY#', 'CASES#', 'SURVEYS', 'DESTINATIONS'] } },
      links: true,
      secrets: ['TOKEN_SECRET'],
    },
    timeoutSeconds: 29,
  },
  sweepPending: {
    entry: 'lambdas/handlers/sweep-pending.ts',
    description: 'Scheduled: re-drives responses whose scoring or alert did not finish (stream retries exhausted); reads comments again on request',
    access: {
      // gsi1 SURVEY#: a survey's responses, for `cx comments reanalyze`.
      table: { read: ['SURVEY#', 'RESPONSE#', 'ALERT#', 'CUSTOMER#', 'ERASED#', 'DESTINATION#', 'DELIVERY#'], write: ['RESPONSE#', 'ALERT#', 'CONTACT#', 'CUSTOMER#', 'AUDIT#', 'DESTINATION#', 'DELIVERY#'], queryItems: ['CUSTOMER#'], delete: ERASED_ITEMS, query: { gsi1: ['SURVEY#', 'DESTINATIONS'], gsi2: ['PENDING#', 'PARKED#', 'HELD#', 'DLVDUE#'] } },
      links: true,
      sendEmail: true,
      publishAlerts: true,
      secrets: ['TOKEN_SECRET'],
      readsComments: true,
    },
    timeoutSeconds: 120,
  },
  twilioVoice: {
    entry: 'lambdas/handlers/twilio-voice.ts',
    description: 'Twilio voice IVR survey (TwiML)',
    access: { table: phoneConversations, links: true, secrets: ['TWILIO_AUTH_TOKEN'] },
  },
  twilioVoiceStatus: {
    entry: 'lambdas/handlers/twilio-voice-status.ts',
    description: 'Twilio call status: ends surveys cut short',
    access: { table: phoneConversations, links: true, secrets: ['TWILIO_AUTH_TOKEN'] },
  },
  twilioSms: {
    entry: 'lambdas/handlers/twilio-sms.ts',
    description: 'Twilio inbound SMS: survey replies and opt-outs',
    access: {
      table: { read: phoneReads, write: ['CONVERSATION#', 'RESPONSE#', 'PHONE#', 'SUPPRESS#'], delete: ['SUPPRESS#'] },
      links: true,
      secrets: ['TWILIO_AUTH_TOKEN', 'TOKEN_SECRET'],
    },
  },
  vonageVoice: {
    entry: 'lambdas/handlers/vonage-voice.ts',
    description: 'Vonage voice IVR survey (NCCO): answer, input and event webhooks',
    access: { table: { read: phoneReads, write: ['CONVERSATION#', 'RESPONSE#', 'WEBHOOKJTI#'] }, links: true, secrets: ['VONAGE_SIGNATURE_SECRET'] },
  },
  sendSmsInvitations: {
    entry: 'lambdas/handlers/send-sms-invitations.ts',
    description: 'Texts survey invitations through Twilio',
    access: {
      table: { read: ['SURVEY#', 'PHONE#', 'CONVERSATION#', 'SUPPRESS#', 'CONTACT#', 'SETTINGS#'], write: ['CONVERSATION#', 'PHONE#', 'CONTACT#'] },
      secrets: ['TWILIO_AUTH_TOKEN', 'TOKEN_SECRET'],
      sendSms: true,
    },
    timeoutSeconds: 29,
  },
  routePhoneNumber: {
    entry: 'lambdas/handlers/route-phone-number.ts',
    description: 'Maps a phone number to the survey it runs',
    access: { table: { read: ['SURVEY#'], write: ['PHONEROUTE#'] } },
  },
  connectSurvey: {
    entry: 'lambdas/handlers/connect-survey.ts',
    description: 'Amazon Connect contact-flow block: stores a post-call survey',
    access: { table: { read: ['SURVEY#'], write: ['RESPONSE#'], query: { gsi1: ['DESTINATIONS'] } } },
  },
} as const satisfies Record<string, HandlerDefinition>;
export type HandlerName = keyof typeof handlers;

const ADMIN = ['admin'] as const;
/** Routes that show or act on people's answers, profiles and cases: managers within their scope. */
const ADMIN_MANAGER = ['admin', 'manager'] as const;
const EVERY_ROLE = ['admin', 'manager', 'analyst'] as const;

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'public' },
  { method: 'GET', path: '/openapi.json', handler: 'openApi', auth: 'public' },
  { method: 'POST', path: '/admin/surveys', handler: 'createSurvey', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/surveys', handler: 'getSurvey', auth: 'apiKey', roles: EVERY_ROLE },
  { method: 'GET', path: '/admin/surveys/{surveyId}', handler: 'getSurvey', auth: 'apiKey', roles: EVERY_ROLE },
  { method: 'PUT', path: '/admin/surveys/{surveyId}', handler: 'createSurvey', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/surveys/{surveyId}/archive', handler: 'createSurvey', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/surveys/{surveyId}/unarchive', handler: 'createSurvey', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/surveys/{surveyId}/invitations', handler: 'sendInvitations', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/destinations', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/destinations', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/destinations/{destinationId}', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'PUT', path: '/admin/destinations/{destinationId}', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'DELETE', path: '/admin/destinations/{destinationId}', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/destinations/{destinationId}/rotate', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/destinations/{destinationId}/deliveries', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/destinations/{destinationId}/replay', handler: 'destinations', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/keys', handler: 'apiKeys', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/keys', handler: 'apiKeys', auth: 'apiKey', roles: ADMIN },
  { method: 'DELETE', path: '/admin/keys/{keyId}', handler: 'apiKeys', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/responses', handler: 'listResponses', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'GET', path: '/admin/responses/{responseId}', handler: 'getResponse', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'GET', path: '/admin/surveys/{surveyId}/alert-rules', handler: 'alertRules', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'PUT', path: '/admin/surveys/{surveyId}/alert-rules', handler: 'alertRules', auth: 'apiKey', roles: ADMIN },
  { method: 'DELETE', path: '/admin/surveys/{surveyId}/alert-rules', handler: 'alertRules', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/surveys/{surveyId}/themes', handler: 'alertRules', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'PUT', path: '/admin/surveys/{surveyId}/themes', handler: 'alertRules', auth: 'apiKey', roles: ADMIN },
  { method: 'DELETE', path: '/admin/surveys/{surveyId}/themes', handler: 'alertRules', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/admin/surveys/{surveyId}/responses/import', handler: 'importResponses', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/surveys/{surveyId}/responses/export', handler: 'exportResponses', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'POST', path: '/admin/customers/import', handler: 'customers', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/customers/{customerId}', handler: 'customers', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'DELETE', path: '/admin/customers/{customerId}', handler: 'erasure', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/audit', handler: 'erasure', auth: 'apiKey', roles: ADMIN },
  { method: 'GET', path: '/admin/settings/contact-fatigue', handler: 'fatigueSettings', auth: 'apiKey', roles: ADMIN },
  { method: 'PUT', path: '/admin/settings/contact-fatigue', handler: 'fatigueSettings', auth: 'apiKey', roles: ADMIN },
  // One route for every report (summary, trend, cases, funnel, export, themes): the handler dispatches on the
  // name and answers 404 for another; the OpenAPI document still lists each report's path (api-contract.ts).
  { method: 'GET', path: '/admin/reports/{report}', handler: 'reports', auth: 'apiKey', roles: EVERY_ROLE },
  { method: 'GET', path: '/admin/cases', handler: 'listCases', auth: 'apiKey', roles: ADMIN_MANAGER },
  // The earlier name of the case listing, kept for existing integrations.
  { method: 'GET', path: '/admin/alerts', handler: 'listCases', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'GET', path: '/admin/cases/{caseId}', handler: 'getCase', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'POST', path: '/admin/cases/{caseId}/actions', handler: 'caseAction', auth: 'apiKey', roles: ADMIN_MANAGER },
  { method: 'GET', path: '/s/{surveyId}', handler: 'surveyForm', auth: 'public' },
  // The dashboard checks its own session cookie (signed in with an API key), so API Gateway lets it through.
  // Its pages share two greedy routes: the handler dispatches on the page and answers 404 for another; the
  // OpenAPI document lists each page at its own path (api-contract.ts).
  { method: 'GET', path: '/dashboard', handler: 'dashboard', auth: 'public' },
  { method: 'GET', path: '/dashboard/{page+}', handler: 'dashboard', auth: 'public' },
  { method: 'POST', path: '/dashboard/{page+}', handler: 'dashboard', auth: 'public' },
  { method: 'POST', path: '/responses', handler: 'submitResponse', auth: 'public' },
  { method: 'GET', path: '/r/{token}', handler: 'emailLink', auth: 'public' },
  { method: 'GET', path: '/u/{token}', handler: 'unsubscribe', auth: 'public' },
  { method: 'POST', path: '/u/{token}', handler: 'unsubscribe', auth: 'public' },
  { method: 'GET', path: '/c/{token}', handler: 'viewCase', auth: 'public' },
  { method: 'POST', path: '/c/{token}', handler: 'viewCase', auth: 'public' },
  { method: 'POST', path: '/r/{token}', handler: 'emailLink', auth: 'public' },
  { method: 'POST', path: '/admin/surveys/{surveyId}/sms-invitations', handler: 'sendSmsInvitations', auth: 'apiKey', roles: ADMIN },
  { method: 'PUT', path: '/admin/phone-numbers/{phoneNumber}', handler: 'routePhoneNumber', auth: 'apiKey', roles: ADMIN },
  { method: 'POST', path: '/webhooks/twilio/voice', handler: 'twilioVoice', auth: 'provider' },
  { method: 'POST', path: '/webhooks/twilio/voice/status', handler: 'twilioVoiceStatus', auth: 'provider' },
  { method: 'POST', path: '/webhooks/twilio/sms', handler: 'twilioSms', auth: 'provider' },
  { method: 'GET', path: '/webhooks/vonage/answer', handler: 'vonageVoice', auth: 'provider' },
  { method: 'POST', path: '/webhooks/vonage/answer', handler: 'vonageVoice', auth: 'provider' },
  { method: 'POST', path: '/webhooks/vonage/input', handler: 'vonageVoice', auth: 'provider' },
  { method: 'POST', path: '/webhooks/vonage/event', handler: 'vonageVoice', auth: 'provider' },
];

/** Only response items whose answers exist; both consumers ignore everything else on the stream. */
const responseChanges: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'RESPONSE#' }] } } },
};

/** Invitations, for the funnel: sent, and a one-click page served. */
const invitationChanges: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'INVITATION#' }] } } },
};

/**
 * Responses with work left: the pending mark (gsi2) is on the new image. What ingest settled itself (scored,
 * nothing pending) and the processing's own completion writes never invoke the processing consumer.
 */
const pendingResponses: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'RESPONSE#' }] } }, NewImage: { gsi2pk: { S: [{ exists: true }] } } },
};

/** Responses whose free text is still to be read (the mark is cleared by the write of the analysis). */
const unreadComments: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'RESPONSE#' }] } }, NewImage: { analysisOwed: { BOOL: [true] } } },
};

/** Deliveries written to a destination's outbox: their first attempt. */
const newDeliveries: FilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'DELIVERY#' }] } } },
};

/** Cases that changed: their history's new steps are events for destinations (case.updated, .escalated, .resolved). */
const caseChanges: FilterPattern = {
  eventName: ['MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'ALERT#' }] } } },
};

export const streamConsumers: readonly StreamConsumerDefinition[] = [
  // Up to 10 of a batch's records at a time, each partition key's records in order (lambdas/shared/stream.ts).
  { name: 'responses', handler: 'processResponses', filters: [pendingResponses, unreadComments, newDeliveries, caseChanges], batchSize: 25 },
  // A batch's changes summed per cell and applied in transactions of at most 100 items (a marker per record and
  // the summed cells): the bigger the batch, the fewer transactions and the more records share a cell's update.
  { name: 'aggregates', handler: 'aggregateResponses', filters: [responseChanges, invitationChanges], batchSize: 100 },
];

/** How often the sweeper looks for responses the stream could not finish. */
export const schedules: readonly ScheduleDefinition[] = [
  // Every minute: a one-click score's alert waits for its comment for 2 minutes by default, then goes with the next sweep.
  { name: 'sweeper', handler: 'sweepPending', everyMinutes: 1 },
  { name: 'escalation', handler: 'escalateCases', everyMinutes: 5 },
];

/**
 * Handlers invoked directly by another AWS service (not over HTTP), e.g. an Amazon Connect contact flow.
 * The stack grants `invokedBy` permission; the local runtime serves them on the Lambda Invoke API path.
 */
export const invocableHandlers: readonly { readonly handler: HandlerName; readonly invokedBy: string }[] = [
  { handler: 'connectSurvey', invokedBy: 'connect.amazonaws.com' },
];

/** Handlers operators invoke with their own credentials (the CLI), besides the scheduled ones. */
export const operatorHandlers: readonly HandlerName[] = ['aggregateMaintenance'];

/** Handlers of the SES event topic (invitations' deliveries, bounces, complaints). No emulator publishes these locally. */
export const emailEventHandlers: readonly HandlerName[] = ['emailEvents'];

/** Handlers that serve at least one route, consumer, schedule or direct invocation, plus the authorizer. */
export function handlersInUse(): HandlerName[] {
  const names = new Set<HandlerName>(['authorizer', ...emailEventHandlers, ...operatorHandlers]);
  for (const invocable of invocableHandlers) names.add(invocable.handler);
  for (const route of routes) names.add(route.handler);
  for (const consumer of streamConsumers) names.add(consumer.handler);
  for (const schedule of schedules) names.add(schedule.handler);
  return [...names];
}

/** Environment variable names shared by the stack, the local runtime and the handlers. */
export const env = {
  tableName: 'TABLE_NAME',
  alertTopicArn: 'ALERT_TOPIC_ARN',
  senderEmail: 'SENDER_EMAIL',
  publicUrl: 'PUBLIC_URL',
  twilioAccountSid: 'TWILIO_ACCOUNT_SID',
  twilioFromNumber: 'TWILIO_FROM_NUMBER',
  twilioApiUrl: 'TWILIO_API_URL',
  emailConfigurationSet: 'EMAIL_CONFIGURATION_SET',
  /** `comprehend` where Amazon Comprehend reads the comments; unset: the built-in reader. */
  textAnalytics: 'TEXT_ANALYTICS',
  /** `true` in the local runtime only: destinations may then be http://127.0.0.1 (its webhook receiver). */
  allowLocalDestinations: 'ALLOW_LOCAL_DESTINATIONS',
  /** `<NAME>_SECRET_ARN` points at Secrets Manager in AWS; `<NAME>` holds the value locally. */
  secretArnSuffix: '_SECRET_ARN',
} as const;
