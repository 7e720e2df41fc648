import * as z from 'zod/mini';
import '../kernel/zod';
import { CHANNELS } from '../surveys/response';
import { SEVERITIES } from '../surveys/scores';
import type { CaseEventData, DigestData, EventScores, MetricAlertData, ResponseEventData } from './events';
import { EVENT_VERSION, MAX_EVENT_COMMENT } from './events';

/*
 * The payloads of the events as JSON Schema for the OpenAPI document's `webhooks` (and for receivers that
 * validate): strict, so a field the service sends but the schema lacks fails the contract test. The types in
 * events.ts stay the source; the checks at the end keep both the same.
 */

const isoTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T/, 'an ISO 8601 time'));

export const EventScoresSchema = z.strictObject({
  nps: z.optional(z.number()),
  csat: z.optional(z.number()),
  ces: z.optional(z.number()),
  loyaltyIndex: z.optional(z.number()),
  severity: z.enum(SEVERITIES),
});

const commentFields = {
  comment: z.optional(z.string().check(z.maxLength(MAX_EVENT_COMMENT * 2))),
  /** Set when the comment was longer than 1,000 characters and is cut. */
  commentTruncated: z.optional(z.literal(true)),
};

export const CaseEventDataSchema = z.strictObject({
  caseId: z.string(),
  responseId: z.string(),
  surveyId: z.string(),
  surveyName: z.string(),
  touchpoint: z.string(),
  channel: z.enum(CHANNELS),
  customerId: z.optional(z.string()),
  severity: z.enum(SEVERITIES),
  status: z.enum(['open', 'acknowledged', 'resolved', 'escalated']),
  reasons: z.array(z.string()),
  scores: EventScoresSchema,
  ...commentFields,
  team: z.optional(z.string()),
  createdAt: isoTime,
  acknowledgeBy: z.optional(isoTime),
  dueAt: isoTime,
  acknowledgedAt: z.optional(isoTime),
  resolvedAt: z.optional(isoTime),
  escalationLevel: z.optional(z.number()),
  /** The case page, signed for its owner: the one credential an event carries. */
  caseUrl: z.url(),
  /** The latest step of the case's history: what this event is about. */
  change: z.strictObject({ action: z.string(), at: isoTime }),
});

export const ResponseEventDataSchema = z.strictObject({
  responseId: z.string(),
  surveyId: z.string(),
  touchpoint: z.string(),
  channel: z.enum(CHANNELS),
  customerId: z.optional(z.string()),
  submittedAt: isoTime,
  scores: z.optional(EventScoresSchema),
  ...commentFields,
});

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, yyyy-mm-dd'));

export const MetricAlertDataSchema = z.strictObject({
  kind: z.enum(['drop', 'silence']),
  metric: z.enum(['nps', 'csat', 'ces', 'responses']),
  surveyId: z.optional(z.string()),
  touchpoint: z.optional(z.string()),
  channel: z.optional(z.enum(CHANNELS)),
  /** The days compared (a drop: the last 7 complete days; a silence: the last complete day), UTC. */
  window: z.strictObject({ from: day, to: day }),
  /** NPS points, CSAT top-2-box %, or answers in the window. */
  value: z.number(),
  /** The same over the 28 days before the window; for a silence, the answers a day expected. */
  baseline: z.number(),
  reportUrl: z.optional(z.url()),
});

const DigestFigureDetailSchema = z.strictObject({
  n: z.number(),
  /** The 95 % interval. */
  low: z.number(),
  high: z.number(),
  /** The period before, of the same length, and the change against it (a z-test at 95 %). */
  previous: z.optional(z.number()),
  change: z.optional(z.number()),
  significant: z.optional(z.boolean()),
});

/** A survey's digest of a period (local days of the survey's zone; figures from its day cells, kept by UTC day). */
export const DigestDataSchema = z.strictObject({
  period: z.strictObject({ from: day, to: day }),
  responses: z.number(),
  /** NPS in points, and CSAT as the top-2-box share in percent. */
  nps: z.optional(z.number()),
  csat: z.optional(z.number()),
  casesOpened: z.number(),
  casesOverdue: z.number(),
  reportUrl: z.optional(z.url()),
  surveyId: z.optional(z.string()),
  surveyName: z.optional(z.string()),
  key: z.optional(z.string()),
  frequency: z.optional(z.enum(['daily', 'weekly'])),
  timeZone: z.optional(z.string()),
  previousResponses: z.optional(z.number()),
  npsDetail: z.optional(DigestFigureDetailSchema),
  csatDetail: z.optional(DigestFigureDetailSchema),
  casesOpen: z.optional(z.number()),
  mostOverdue: z.optional(z.array(z.strictObject({ caseId: z.string(), touchpoint: z.string(), severity: z.enum(SEVERITIES), owner: z.string(), dueAt: isoTime, caseUrl: z.url() }))),
  topThemes: z.optional(z.array(z.strictObject({ theme: z.string(), label: z.string(), mentions: z.number(), share: z.number(), shareChange: z.number() }))),
});

/** The envelope of one event type: `id` is also the `webhook-id` header, the same on every retry. */
export const envelopeSchema = <T extends string, D extends z.ZodMiniType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), version: z.literal(EVENT_VERSION), id: z.string().check(z.regex(/^evt_/)), occurredAt: isoTime, data });

/** The events delivered today, by type, as the receiver gets them. */
export const EVENT_SCHEMAS = {
  'response.completed': envelopeSchema('response.completed', ResponseEventDataSchema),
  'case.opened': envelopeSchema('case.opened', CaseEventDataSchema),
  'case.updated': envelopeSchema('case.updated', CaseEventDataSchema),
  'case.escalated': envelopeSchema('case.escalated', CaseEventDataSchema),
  'case.resolved': envelopeSchema('case.resolved', CaseEventDataSchema),
  'metric.alert': envelopeSchema('metric.alert', MetricAlertDataSchema),
  digest: envelopeSchema('digest', DigestDataSchema),
} as const;

// The schemas and the types describe the same payloads (a compile error here means one of them drifted).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [Same<z.infer<typeof CaseEventDataSchema>, Mutable<CaseEventData>>, Same<z.infer<typeof ResponseEventDataSchema>, Mutable<ResponseEventData>>, Same<z.infer<typeof EventScoresSchema>, Mutable<EventScores>>] = [true, true, true];
void sameShapes;
const sameMetricAlert: Same<z.infer<typeof MetricAlertDataSchema>, Mutable<MetricAlertData>> = true;
void sameMetricAlert;
// Required on both sides: Mutable does not reach into optional arrays (the optional fields are the same, listed above).
const sameDigest: Same<Required<z.infer<typeof DigestDataSchema>>, Mutable<Required<DigestData>>> = true;
void sameDigest;
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] extends object ? Mutable<T[K]> : T[K] };
