import type { Destination } from './destinations';

/** Destinations (`DESTINATION#<id>`), listed on gsi1. */
export interface DestinationStore {
  /** Writes a new destination. */
  putDestination(destination: Destination): Promise<void>;
  /** Writes a changed one, only if it is still at `expectedVersion` (0: written before versions); false when not (or deleted). */
  saveDestination(destination: Destination, expectedVersion: number): Promise<boolean>;
  getDestination(id: string): Promise<Destination | undefined>;
  listDestinations(): Promise<Destination[]>;
  /** Deletes it if it is still at `expectedVersion`; false when it is gone or changed. */
  deleteDestination(id: string, expectedVersion: number): Promise<boolean>;
}

/** The outbox and delivery log: `DELIVERY#<destinationId>` items, due ones on a sparse index. */
export interface DeliveryStore {
  /** Writes a delivery unless it exists (same destination and event id); false when it did. */
  putDelivery(delivery: Delivery): Promise<boolean>;
  /**
   * Takes a pending delivery for one attempt: only if it is still at `delivery.attemptCount` attempts and due by
   * `now`; it is then due again at `leaseUntil` (a worker that stops mid-send is retried then). False when
   * another worker took it, or it moved on (a stale stream image).
   */
  claimAttempt(delivery: Delivery, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Records an attempt (keeping the last ten), the new state, and when to try next (off the due index when none). */
  recordAttempt(delivery: Delivery, attempt: Attempt, state: Delivery['state'], nextAttemptAt?: Date): Promise<void>;
  /** Pending deliveries due by `now`, oldest first. */
  listDueDeliveries(now: Date, limit: number): Promise<Delivery[]>;
  /** Puts a delivery back in front of the sweeper (an operator's replay): pending, due now, its webhook-id kept. */
  requeueDelivery(delivery: Delivery, now: Date): Promise<void>;
  /** A destination's deliveries, newest first. */
  listDeliveries(destinationId: string, limit: number): Promise<Delivery[]>;
}

/** What one attempt found. */
export interface Attempt {
  readonly at: string;
  readonly status?: number;
  readonly ms: number;
  readonly error?: string;
}

export interface Delivery {
  readonly destinationId: string;
  readonly eventId: string;
  readonly type: string;
  readonly createdAt: string;
  /** The exact body sent (signed as is). */
  readonly body: string;
  readonly state: 'pending' | 'delivered' | 'dead';
  readonly attempts: readonly Attempt[];
  readonly attemptCount: number;
  readonly nextAttemptAt?: string;
}

