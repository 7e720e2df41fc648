import { idFromKey } from '../kernel/ids';
import type { AlertCase, CaseStatus } from '../loop/alerts';
import type { SurveyResponse } from '../surveys/response';
import type { ResponseScores, Severity } from '../surveys/scores';

/**
 * The events a destination can subscribe to, and their payloads (version 1). A payload is built field by
 * field from a whitelist, never by spreading a stored item: what leaves the service is exactly what is listed
 * here. Adding a field is compatible; renaming or removing one is a version 2.
 */
export const EVENT_TYPES = ['response.completed', 'case.opened', 'case.updated', 'case.escalated', 'case.resolved', 'metric.alert', 'digest'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const CASE_EVENT_TYPES = ['case.opened', 'case.updated', 'case.escalated', 'case.resolved'] as const satisfies readonly EventType[];
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export const EVENT_VERSION = 1;
/** How much of a comment leaves the service in an event. */
export const MAX_EVENT_COMMENT = 1000;

/** Whether a destination takes events of this type now: enabled, not turned off by the service, and subscribed. */
export const takesEvent = (destination: { readonly enabled: boolean; readonly disabledReason?: string; readonly events: readonly string[] }, type: EventType): boolean =>
  destination.enabled && !destination.disabledReason && destination.events.includes(type);

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** The numbers of a response, without question ids or per-question ratings. */
export interface EventScores {
  readonly nps?: number;
  readonly csat?: number;
  readonly ces?: number;
  readonly loyaltyIndex?: number;
  readonly severity: Severity;
}

export interface CaseEventData {
  readonly caseId: string;
  readonly responseId: string;
  readonly surveyId: string;
  readonly surveyName: string;
  readonly touchpoint: string;
  readonly channel: SurveyResponse['channel'];
  readonly customerId?: string;
  readonly severity: Severity;
  readonly status: CaseStatus;
  readonly reasons: readonly string[];
  readonly scores: EventScores;
  /** The first {@link MAX_EVENT_COMMENT} characters of the comment. */
  readonly comment?: string;
  readonly commentTruncated?: true;
  readonly team?: string;
  readonly createdAt: string;
  readonly acknowledgeBy?: string;
  readonly dueAt: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt?: string;
  readonly escalationLevel?: number;
  /** The case page, signed for the reader: the only credential an event carries. */
  readonly caseUrl: string;
  /** The latest step of the case's history: what this event is about (opened, acknowledge, assign, note, reopen, comment, escalated, resolve). */
  readonly change: { readonly action: string; readonly at: string };
}

export interface ResponseEventData {
  readonly responseId: string;
  readonly surveyId: string;
  readonly touchpoint: string;
  readonly channel: SurveyResponse['channel'];
  readonly customerId?: string;
  readonly submittedAt: string;
  readonly scores?: EventScores;
  readonly comment?: string;
  readonly commentTruncated?: true;
}

/** A metric that moved beyond its threshold: a significant drop, or a channel gone silent. */
export interface MetricAlertData {
  readonly kind: 'drop' | 'silence';
  readonly metric: 'nps' | 'csat' | 'ces' | 'responses';
  readonly surveyId?: string;
  readonly touchpoint?: string;
  readonly channel?: SurveyResponse['channel'];
  readonly window: { readonly from: string; readonly to: string };
  readonly value: number;
  readonly baseline: number;
  readonly reportUrl?: string;
}

/** The period's figures, as a digest message reports them. */
export interface DigestData {
  readonly period: { readonly from: string; readonly to: string };
  readonly responses: number;
  readonly nps?: number;
  readonly csat?: number;
  readonly casesOpened: number;
  readonly casesOverdue: number;
  readonly reportUrl?: string;
  /** Added fields (compatible): the survey, the period's key and zone, intervals and changes, open cases, themes. */
  readonly surveyId?: string;
  readonly surveyName?: string;
  /** `2026-11-30` (daily) or `2026-W48` (weekly); `period` holds its first and last local day. */
  readonly key?: string;
  readonly frequency?: 'daily' | 'weekly';
  readonly timeZone?: string;
  /** Responses of the period before, of the same length. */
  readonly previousResponses?: number;
  /** The NPS's 95 % interval and answers, and its change against the period before (z-test at 95 %). */
  readonly npsDetail?: DigestFigureDetail;
  /** CSAT is the top-2-box share in percent; its Wilson 95 % interval and change. */
  readonly csatDetail?: DigestFigureDetail;
  /** Cases not resolved (opened within a year), and the most overdue of them. */
  readonly casesOpen?: number;
  readonly mostOverdue?: readonly { readonly caseId: string; readonly touchpoint: string; readonly severity: Severity; readonly owner: string; readonly dueAt: string; readonly caseUrl: string }[];
  /** The most mentioned themes of the period's comments: mentions, share of analysed comments (%), change in points. */
  readonly topThemes?: readonly { readonly theme: string; readonly label: string; readonly mentions: number; readonly share: number; readonly shareChange: number }[];
}

export interface DigestFigureDetail {
  readonly n: number;
  readonly low: number;
  readonly high: number;
  readonly previous?: number;
  readonly change?: number;
  readonly significant?: boolean;
}

export interface EventDataByType {
  readonly 'response.completed': ResponseEventData;
  readonly 'case.opened': CaseEventData;
  readonly 'case.updated': CaseEventData;
  readonly 'case.escalated': CaseEventData;
  readonly 'case.resolved': CaseEventData;
  readonly 'metric.alert': MetricAlertData;
  readonly digest: DigestData;
}

/** What a destination receives: the body of the signed POST. `id` is also its `webhook-id` header. */
export interface EventEnvelope<T extends EventType = EventType> {
  readonly type: T;
  readonly version: typeof EVENT_VERSION;
  readonly id: string;
  readonly occurredAt: string;
  readonly data: EventDataByType[T];
}

/**
 * The id of one event, the same for every delivery attempt of it (receivers drop duplicates by
 * `webhook-id`): from what it is about (a case or response id), its type, and a sequence number that tells
 * apart events of one type about one subject (the case's history entry, say).
 */
export function eventId(subjectId: string, type: EventType, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new Error(`Invalid event sequence: ${sequence}`);
  return `evt_${idFromKey(subjectId, type, String(sequence))}`;
}

export function eventEnvelope<T extends EventType>(type: T, data: EventDataByType[T], at: { subjectId: string; sequence: number; occurredAt: Date | string }): EventEnvelope<T> {
  const occurredAt = typeof at.occurredAt === 'string' ? at.occurredAt : at.occurredAt.toISOString();
  return { type, version: EVENT_VERSION, id: eventId(at.subjectId, type, at.sequence), occurredAt, data };
}

/** Made on the first cut, not when the module loads (ingest loads this module for `takesEvent`). */
let graphemes: Intl.Segmenter | undefined;

/**
 * The first `max` characters as a reader sees them (grapheme clusters: a family emoji or an accented letter
 * is never cut apart); `max` also bounds the code points, so the text stays within what consumers expect.
 */
export function firstCharacters(text: string, max: number): { text: string; truncated: boolean } {
  if (Array.from(text).length <= max) return { text, truncated: false };
  let out = '';
  let codePoints = 0;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    const size = Array.from(segment).length;
    if (codePoints + size > max) break;
    out += segment;
    codePoints += size;
  }
  return { text: out, truncated: true };
}

function commentFields(comment: string | undefined): { comment?: string; commentTruncated?: true } {
  if (!comment) return {};
  const { text, truncated } = firstCharacters(comment, MAX_EVENT_COMMENT);
  return { comment: text, ...(truncated && { commentTruncated: true as const }) };
}

export function eventScores(scores: ResponseScores): EventScores {
  return {
    ...(scores.nps && { nps: scores.nps.value }),
    ...(scores.csat && { csat: scores.csat.value }),
    ...(scores.ces && { ces: scores.ces.value }),
    ...(scores.loyaltyIndex !== undefined && { loyaltyIndex: scores.loyaltyIndex }),
    severity: scores.severity,
  };
}

/**
 * The payload of every case event. Not in it: the owner's and escalation contact's addresses, the history
 * (notes by staff), notice failures, or any token but the signed case URL passed in.
 */
export function caseEventData(alert: AlertCase, caseUrl: string): CaseEventData {
  return {
    caseId: alert.id,
    responseId: alert.responseId,
    surveyId: alert.surveyId,
    surveyName: alert.surveyName,
    touchpoint: alert.touchpoint,
    channel: alert.channel,
    ...(alert.customerId && { customerId: alert.customerId }),
    severity: alert.severity,
    status: alert.status,
    reasons: [...alert.reasons],
    scores: eventScores(alert.scores),
    ...commentFields(alert.comment),
    ...(alert.team && { team: alert.team }),
    createdAt: alert.createdAt,
    ...(alert.acknowledgeBy && { acknowledgeBy: alert.acknowledgeBy }),
    dueAt: alert.dueAt,
    ...(alert.acknowledgedAt && { acknowledgedAt: alert.acknowledgedAt }),
    ...(alert.resolvedAt && { resolvedAt: alert.resolvedAt }),
    ...(alert.escalationLevel && { escalationLevel: alert.escalationLevel }),
    caseUrl,
    change: { action: alert.history.at(-1)?.action ?? 'opened', at: alert.history.at(-1)?.at ?? alert.createdAt },
  };
}

/** The payload of `response.completed`: no contact details, attributes or profile; the comment if given. */
export function responseEventData(response: SurveyResponse, comment?: string): ResponseEventData {
  return {
    responseId: response.id,
    surveyId: response.surveyId,
    touchpoint: response.touchpoint,
    channel: response.channel,
    ...(response.customerId && { customerId: response.customerId }),
    submittedAt: response.submittedAt,
    ...(response.scores && { scores: eventScores(response.scores) }),
    ...commentFields(comment),
  };
}

/** The envelope of a case event; its sequence is the case's history length, so each change is one event. */
export function caseEvent(type: CaseEventType, alert: AlertCase, caseUrl: string, occurredAt: Date | string): EventEnvelope<CaseEventType> {
  return eventEnvelope(type, caseEventData(alert, caseUrl), { subjectId: alert.id, sequence: alert.history.length, occurredAt });
}

/** Which event a step of a case's history is: a resolution, an escalation, or any other change (acknowledged, assigned, noted, reopened, a late comment). */
function caseEventOf(action: string): Exclude<CaseEventType, 'case.opened'> | undefined {
  if (action === 'opened') return undefined;
  if (action === 'resolve') return 'case.resolved';
  if (action === 'escalated') return 'case.escalated';
  return 'case.updated';
}

/**
 * The events a change of a case makes, from its history before and after (the stream's old and new images):
 * one per kind of step added, in order. A write that adds no step (a notice claimed or marked sent) makes none.
 */
export function caseChangeEvents(before: Pick<AlertCase, 'history'>, after: Pick<AlertCase, 'history'>): Exclude<CaseEventType, 'case.opened'>[] {
  if (after.history.length <= before.history.length) return [];
  const types = after.history.slice(before.history.length).map((step) => caseEventOf(step.action)).filter((t) => t !== undefined);
  return [...new Set(types)];
}
