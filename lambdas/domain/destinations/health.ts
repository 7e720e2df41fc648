import type { Attempt, Delivery } from './ports';

/** How a destination is doing, from its latest deliveries (what an operator looks at first). */
export interface DestinationHealth {
  /**
   * `failing`: an attempt failed after the last success; `delivering`: the latest attempt succeeded;
   * `waiting`: deliveries are queued but none was tried yet; `quiet`: nothing was sent to it yet.
   */
  readonly status: 'failing' | 'delivering' | 'waiting' | 'quiet';
  /** The latest attempt the endpoint accepted (2xx), if any. */
  readonly lastDeliveredAt?: string;
  /** The oldest failed attempt after the last success: since when the endpoint has not taken anything. */
  readonly failingSince?: string;
  /** How long that is, at `now`. */
  readonly failingForMs?: number;
  /** The latest failed attempt after the last success: its status code or error. */
  readonly lastFailure?: Attempt;
  /** Deliveries still to be tried (or tried again). */
  readonly pending: number;
  /** Deliveries given up on (retries ran out, the endpoint answered 410, or the destination was disabled). */
  readonly dead: number;
  /** The soonest next try of a pending delivery. */
  readonly nextAttemptAt?: string;
  /** How many deliveries this was read from (the latest ones). */
  readonly deliveries: number;
}

const accepted = (attempt: Attempt) => attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
const later = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);
const earlier = (a: string | undefined, b: string) => (a === undefined || b < a ? b : a);

/**
 * The health of a destination from its deliveries (any order): when it last took one, since when it has been
 * failing, and how many wait or were given up. An attempt counts as a success when it was answered 2xx,
 * whatever the delivery's state now (a replayed delivery is pending again but was delivered once).
 */
export function destinationHealth(deliveries: readonly Pick<Delivery, 'state' | 'attempts' | 'nextAttemptAt'>[], now: Date): DestinationHealth {
  const attempts = deliveries.flatMap((d) => d.attempts);
  let lastDeliveredAt: string | undefined;
  for (const attempt of attempts) if (accepted(attempt)) lastDeliveredAt = later(lastDeliveredAt, attempt.at);
  let failingSince: string | undefined;
  let lastFailure: Attempt | undefined;
  for (const attempt of attempts) {
    if (accepted(attempt) || (lastDeliveredAt !== undefined && attempt.at <= lastDeliveredAt)) continue;
    failingSince = earlier(failingSince, attempt.at);
    if (!lastFailure || attempt.at > lastFailure.at) lastFailure = attempt;
  }
  const pending = deliveries.filter((d) => d.state === 'pending');
  let nextAttemptAt: string | undefined;
  for (const d of pending) if (d.nextAttemptAt) nextAttemptAt = earlier(nextAttemptAt, d.nextAttemptAt);
  const status = failingSince ? 'failing' : lastDeliveredAt ? 'delivering' : deliveries.length > 0 ? 'waiting' : 'quiet';
  return {
    status,
    ...(lastDeliveredAt && { lastDeliveredAt }),
    ...(failingSince && { failingSince, failingForMs: Math.max(0, now.getTime() - Date.parse(failingSince)) }),
    ...(lastFailure && { lastFailure }),
    pending: pending.length,
    dead: deliveries.filter((d) => d.state === 'dead').length,
    ...(nextAttemptAt && { nextAttemptAt }),
    deliveries: deliveries.length,
  };
}
