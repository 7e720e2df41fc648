import type { AlertCase } from '../loop/alerts';
import { SEVERITIES } from '../surveys/scores';
import { resolvedAddressProblem } from './addresses';
import { activeSecrets, type Destination } from './destinations';
import { caseEvent, type CaseEventType, type EventEnvelope } from './events';
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

/** What a case says about itself to a destination's filter. */
const passes = (destination: Destination, alert: AlertCase) => {
  const f = destination.filter;
  if (!f) return true;
  if (f.surveyId && f.surveyId !== alert.surveyId) return false;
  if (f.touchpoint && f.touchpoint !== alert.touchpoint) return false;
  if (f.minSeverity && SEVERITIES.indexOf(alert.severity) < SEVERITIES.indexOf(f.minSeverity)) return false;
  return true;
};

/** The body a destination gets for an event: the signed JSON envelope, or the chat message built from it. */
export type ChatRenderer = (destination: Destination, alert: AlertCase, caseUrl: string) => unknown;

/**
 * Writes a case event to the outbox of every enabled destination that subscribes to it and lets the case
 * through its filter. Returns how many were written now (a retry writes none again).
 */
export async function enqueueCaseEvent(
  deps: { readonly destinations: Pick<DestinationStore, 'listDestinations'>; readonly deliveries: Pick<DeliveryStore, 'putDelivery'>; readonly render: ChatRenderer; readonly now: Date },
  type: CaseEventType,
  alert: AlertCase,
  caseUrl: string,
): Promise<number> {
  const wanting = (await deps.destinations.listDestinations()).filter((d) => d.enabled && !d.disabledReason && (d.events as readonly string[]).includes(type) && passes(d, alert));
  if (wanting.length === 0) return 0;
  const event: EventEnvelope = caseEvent(type, alert, caseUrl, deps.now);
  let written = 0;
  for (const destination of wanting) {
    const body = JSON.stringify(destination.type === 'webhook' ? event : deps.render(destination, alert, caseUrl));
    const delivery: Delivery = { destinationId: destination.id, eventId: event.id, type, createdAt: deps.now.toISOString(), body, state: 'pending', attempts: [], attemptCount: 0, nextAttemptAt: deps.now.toISOString() };
    if (await deps.deliveries.putDelivery(delivery)) written += 1;
  }
  return written;
}

const MINUTE = 60_000;
/** Retries: 1, 2, 4 … minutes, at most 6 hours apart, ±20 % jitter, until a day and a half has passed. */
export const RETRY_FOR_MS = 36 * 60 * MINUTE;
export function retryDelayMs(attemptCount: number, random: () => number = Math.random): number {
  const base = Math.min(MINUTE * 2 ** Math.max(0, attemptCount - 1), 6 * 60 * MINUTE);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export type AttemptOutcome = 'delivered' | 'retry' | 'dead' | 'gone' | 'skipped';

/**
 * One attempt at a pending delivery: the destination's address resolved and checked (a name that now
 * resolves to a private address is refused: DNS rebinding), the body signed with every active secret, sent;
 * the attempt recorded, and the next one scheduled, or the delivery given up after {@link RETRY_FOR_MS}. A
 * destination that answers 410 Gone is disabled.
 */
export async function attemptDelivery(
  deps: {
    readonly destinations: Pick<DestinationStore, 'getDestination' | 'putDestination'>;
    readonly deliveries: Pick<DeliveryStore, 'recordAttempt'>;
    readonly sender: HttpSender;
    readonly resolver: Resolver;
    readonly allowLocalHttp: boolean;
    readonly now: Date;
    readonly random?: () => number;
  },
  delivery: Delivery,
): Promise<AttemptOutcome> {
  if (delivery.state !== 'pending') return 'skipped';
  const destination = await deps.destinations.getDestination(delivery.destinationId);
  const record = (attempt: Attempt, state: Delivery['state'], nextAttemptAt?: Date) =>
    deps.deliveries.recordAttempt(delivery, attempt, state, nextAttemptAt);
  const started = deps.now.getTime();
  if (!destination || !destination.enabled || destination.disabledReason) {
    await record({ at: deps.now.toISOString(), ms: 0, error: destination ? 'the destination is disabled' : 'the destination was deleted' }, 'dead');
    return 'dead';
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
    await deps.destinations.putDestination({ ...destination, enabled: false, disabledReason: `the endpoint answered 410 Gone on ${attempt.at}` });
    return 'gone';
  }
  const next = new Date(deps.now.getTime() + retryDelayMs(delivery.attemptCount + 1, deps.random));
  if (next.getTime() - Date.parse(delivery.createdAt) > RETRY_FOR_MS) {
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
