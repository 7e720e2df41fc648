import type { AggregateDelta, AggregateKey, Counters, Granularity } from './aggregates';

/* The insight context's port: the aggregate cells that every report reads. */

/** One stream record's change to the aggregates, applied once whatever the retries. */
export interface RecordDelta {
  readonly eventId: string;
  readonly deltas: readonly AggregateDelta[];
  /** The response the record changed, and the state its new image is in (`countedVersion`): a rebuild needs them. */
  readonly responseId?: string;
  readonly version?: number;
}

/** A record's change held back while a rebuild rewrites its survey's cells. */
export type JournalEntry = RecordDelta;

export interface StoredAggregate extends AggregateKey {
  readonly counters: Counters;
}

export interface AggregateStore {
  /** Applies each record's deltas once; returns how many records were applied now (not before). */
  apply(records: readonly RecordDelta[], now: Date): Promise<number>;
  /** A survey's cells at one granularity, from period `from` to `to` (inclusive). */
  query(surveyId: string, granularity: Granularity, from: string, to: string): Promise<StoredAggregate[]>;
  /** From now on, `apply` journals the survey's records instead of changing its cells. */
  hold(surveyId: string, now: Date): Promise<void>;
  release(surveyId: string): Promise<void>;
  /** When the survey's cells were held, if they are. */
  heldSince(surveyId: string): Promise<string | undefined>;
  /** The survey's journaled records, as they stand now (read consistently). */
  journal(surveyId: string): Promise<JournalEntry[]>;
  /** Adds what is left of a journaled record's change to the cells and removes it from the journal, once. */
  settleJournalEntry(surveyId: string, eventId: string, deltas: readonly AggregateDelta[]): Promise<void>;
  /** Writes each cell with exactly these counters (a rebuild, while the survey is held). */
  replaceCells(cells: readonly AggregateDelta[]): Promise<void>;
}
