import type { AggregateDelta, AggregateKey, Counters, Granularity } from './aggregates';

/* The insight context's port: the aggregate cells that every report reads. */

/** One stream record's change to the aggregates, applied once whatever the retries. */
export interface RecordDelta {
  readonly eventId: string;
  readonly deltas: readonly AggregateDelta[];
}

export interface StoredAggregate extends AggregateKey {
  readonly counters: Counters;
}

export interface AggregateStore {
  /** Applies each record's deltas once; returns how many records were applied now (not before). */
  apply(records: readonly RecordDelta[], now: Date): Promise<number>;
  /** A survey's cells at one granularity, from period `from` to `to` (inclusive). */
  query(surveyId: string, granularity: Granularity, from: string, to: string): Promise<StoredAggregate[]>;
}
