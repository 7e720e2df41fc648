import { SEVERITIES, type Severity } from '../surveys/scores';
import { resolvedAddressProblem } from './addresses';
import { activeSecrets, type Destination, type DestinationType } from './destinations';
import { takesEvent, type EventEnvelope, type EventType } from './events';
import type { Attempt, Delivery, DeliveryStore, DestinationStore } from './ports';

export type { Attempt, Delivery } from './ports';
import { signedHeaders } from './signing';

/*
 * Delivery: an event is written to the outbox once per destination that wants it (idempotent: its key is the
 * destination and the event id), then sent, signed, and retried with exponential backoff and jitter for more
 * than a day. At least once: every retry carries the same `webhook-id`, so a receiver drops duplicates.
 */

/** Sends one request: to the checked address only, no redirects followed, a 5 s limit, at most 1 KB of the answer kept. */
export interface HttpSender {
  post(url: string, address: string, headers: Record<string, string>, body: string): Promise<{ status: number; ms: number }>;
}
export interface Resolver {
  addresses(host: string): Promise<string[]>;
}

/**
 * What an event is about, as a destination's filter reads it. A filter on a field the event does not state
 * lets it through only for severity (a metric alert or digest has none); a survey, touchpoint or theme filter
 * keeps out events that are not about that survey, touchpoint or theme.
 */
export interface EventSubject {
  readonly surveyId?: string;
  readonly touchpoint?: string;
  readonly severity?: Severity;
  /** The themes found in the comment (comment analytics), if it was read. */
  readonly themes?: readonly string[];
  /** Destinations an alert rule routed the case to: they take its events whatever their filter. */
  readonly routedTo?: readonly string[];
}

export function passesFilter(filter: Destination['filter'], subject: EventSubject): boolean {
  if (!filter) return true;
  if (filter.surveyId && filter.surveyId !== subject.surveyId) return false;
  if (filter.touchpoint && filter.touchpoint !== subject.touchpoint) return false;
  if (filter.theme && !subject.themes?.includes(filter.theme)) return false;
  // SEVERITIES runs from the most severe down: a later one is less severe than the filter's minimum.
  if (filter.minSeverity && subject.severity && SEVERITIES.indexOf(subject.severity) > SEVERITIES.indexOf(filter.minSeverity)) return false;
  return true;
}

/** The chat message (Slack Block Kit, Teams card) an event is shown as, for a destination of that type. */
export type ChatRenderer = (type: Exclude<DestinationType, 'webhook'>) => unknown;

/** The destinations that take an event now: enabled, not turned off by the service, subscribed, and passed by their filter. */
export function subscribersOf(destinations: readonly Destination[], type: EventType, subject: EventSubject): Destination[] {
  return destinations.filter((d) => takesEvent(d, type) && (subject.routedTo?.includes(d.id) || passesFilter(d.filter, subject)));
}

/**
 * Writes an event to the outbox of every destination that takes it ({@link subscribersOf}): the signed
 * envelope for a webhook, the chat message for Slack and Teams. Idempotent per destination and event id;
 * returns how many were written now (a retry writes none again).
 */
export async function enqueueEvent(
  deps: { readonly destinations: Pick<DestinationStore, 'listDestinations'>; readonly deliveries: Pick<DeliveryStore, 'putDelivery'>; readonly now: Date },
  event: EventEnvelope,
  subject: EventSubject,
  chat: ChatRenderer,
): Promise<number> {
  const wanting = subscribersOf(await deps.destinations.listDestinations(), event.type, subject);
  let written = 0;
  for (const destination of wanting) {
    const body = JSON.stringify(destination.type === 'webhook' ? event : chat(destination.type));
    const delivery: Delivery = { destinationId: destination.id, eventId: event.id, type: event.type, createdAt: deps.now.toISOString(), body, state: 'pending', attempts: [], attemptCount: 0, nextAttemptAt: deps.now.toISOString() };
    if (await deps.deliveries.putDelivery(delivery)) written += 1;
  }
  return written;
}

/**
 * How long a delivery is kept (its body may hold a customer's comment): long enough to read the log and
 * replay, short enough that the words of a customer erased meanwhile do not stay. The table's TTL removes it.
 */
export const DELIVERY_KEPT_DAYS = 30;

const MINUTE = 60_000;
/** Retries: 1, 2, 4 … minutes, at most 6 hours apart, ±20 % jitter, until a day and a half has passed. */
export const RETRY_FOR_MS = 36 * 60 * MINUTE;
export function retryDelayMs(attemptCount: number, random: () => number = Math.random): number {
  const base = Math.min(MINUTE * 2 ** Math.max(0, attemptCount - 1), 6 * 60 * MINUTE);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** How long one attempt holds a delivery: well past the 5 s send limit. */
export const ATTEMPT_LEASE_MS = 30_000;

/** `cancelled`: the destination was deleted or disabled meanwhile; `dead`: given up after the retries; `gone`: it answered 410. */
export type AttemptOutcome = 'delivered' | 'retry' | 'dead' | 'gone' | 'skipped' | 'cancelled';

/**
 * One attempt at a pending delivery: the destination's address resolved and checked (a name that now
 * resolves to a private address is refused: DNS rebinding), the body signed with every active secret, sent;
 * the attempt recorded, and the next one scheduled, or the delivery given up after {@link RETRY_FOR_MS}. A
 * destination that answers 410 Gone is disabled.
 */
export async function attemptDelivery(
  deps: {
    readonly destinations: Pick<DestinationStore, 'getDestination' | 'saveDestination'>;
    readonly deliveries: Pick<DeliveryStore, 'recordAttempt' | 'claimAttempt'>;
    readonly sender: HttpSender;
    readonly resolver: Resolver;
    readonly allowLocalHttp: boolean;
    readonly now: Date;
    readonly random?: () => number;
    /** How much faster than real time the backoff runs (the local runtime's scaled clock); 1 in AWS. */
    readonly timeScale?: number;
  },
  delivery: Delivery,
): Promise<AttemptOutcome> {
  if (delivery.state !== 'pending') return 'skipped';
  // The stream's first attempt and the sweeper's retry may reach one delivery at once: one of them sends.
  if (!(await deps.deliveries.claimAttempt(delivery, deps.now, new Date(deps.now.getTime() + ATTEMPT_LEASE_MS)))) return 'skipped';
  const destination = await deps.destinations.getDestination(delivery.destinationId);
  const record = (attempt: Attempt, state: Delivery['state'], nextAttemptAt?: Date) =>
    deps.deliveries.recordAttempt(delivery, attempt, state, nextAttemptAt);
  const started = deps.now.getTime();
  if (!destination || !destination.enabled || destination.disabledReason) {
    // An admin's choice (or an earlier 410), not a failure: ended without an alarm.
    await record({ at: deps.now.toISOString(), ms: 0, error: destination ? 'the destination is disabled' : 'the destination was deleted' }, 'dead');
    return 'cancelled';
  }
  let attempt: Attempt;
  try {
    const url = new URL(destination.url);
    const addresses = await deps.resolver.addresses(url.hostname.replace(/^\[|\]$/g, ''));
    const refused = resolvedAddressProblem(addresses, { allowLocalHttp: deps.allowLocalHttp });
    if (refused) throw new Error(refused);
    const headers = destination.type === 'webhook' ? { ...signedHeaders(activeSecrets(destination, deps.now), delivery.eventId, deps.now, delivery.body) } : {};
    const answer = await deps.sender.post(destination.url, addresses[0], { 'content-type': 'application/json', ...headers }, delivery.body);
    attempt = { at: deps.now.toISOString(), status: answer.status, ms: answer.ms };
  } catch (error) {
    attempt = { at: deps.now.toISOString(), ms: Date.now() - started, error: (error as Error).message.slice(0, 300) };
  }
  if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
    await record(attempt, 'delivered');
    return 'delivered';
  }
  if (attempt.status === 410) {
    await record(attempt, 'dead');
    // Conditional: an admin's edit meanwhile wins, and the next 410 disables it again.
    const version = destination.version ?? 0;
    await deps.destinations.saveDestination({ ...destination, enabled: false, disabledReason: `the endpoint answered 410 Gone on ${attempt.at}`, version: version + 1 }, version);
    return 'gone';
  }
  const scale = deps.timeScale ?? 1;
  const next = new Date(deps.now.getTime() + retryDelayMs(delivery.attemptCount + 1, deps.random) / scale);
  if ((next.getTime() - Date.parse(delivery.createdAt)) * scale > RETRY_FOR_MS) {
    await record(attempt, 'dead');
    return 'dead';
  }
  await record(attempt, 'pending', next);
  return 'retry';
}

/**
 * Sends a destination's deliveries again (`cx destinations replay`): every one created since `since` (all
 * kept ones without it), delivered or not, put back as due now with the same webhook-id, for the next sweep.
 * At least once: a receiver that keeps the ids it has seen drops what it already had.
 */
export async function replayDeliveries(deps: { readonly deliveries: Pick<DeliveryStore, 'listDeliveries' | 'requeueDelivery'>; readonly now: Date }, destinationId: string, since?: Date): Promise<number> {
  const chosen = (await deps.deliveries.listDeliveries(destinationId, 1000)).filter((d) => !since || Date.parse(d.createdAt) >= since.getTime());
  for (const delivery of chosen) await deps.deliveries.requeueDelivery(delivery, deps.now);
  return chosen.length;
}
