import type { AggregateDelta, AggregateKey, Counters, Granularity } from './aggregates';
import type { MetricAlert, MetricWatch, WatchKey } from './metric-watch';

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

/** The metric alerts' watches: per survey × touchpoint|channel × kind, the episode state and whether it was notified. */
export interface MetricWatchStore {
  /** Every stored watch of a survey. */
  watchesOf(surveyId: string): Promise<MetricWatch[]>;
  /** Writes the watch (its `version` one above `expectedVersion`) only while the stored one is at `expectedVersion` (0: none yet). */
  saveWatch(watch: MetricWatch, expectedVersion: number): Promise<boolean>;
  /** Claims the notification of the watch's episode, unless it went out or another claimant holds it; a claimant's own claim is granted again. */
  claimNotice(key: WatchKey, episode: number, claimant: string, now: Date, leaseMs: number): Promise<boolean>;
  releaseNotice(key: WatchKey, claimant: string): Promise<void>;
  /** Records the episode as notified and drops the claim. */
  markNotified(key: WatchKey, episode: number): Promise<void>;
  /** Claims a scheduled run's period (an hour) once; false when a run of that period claimed it. */
  claimRun(period: string, now: Date): Promise<boolean>;
}

/** Where a metric alert goes besides the owner's e-mail: the destinations subscribed to `metric.alert`. */
export interface MetricAlertOutbox {
  /** Queues the episode's event once (its id comes from the episode); returns how many deliveries were written now. */
  enqueueMetricAlert(alert: MetricAlert): Promise<number>;
}
