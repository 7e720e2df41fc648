import type { ResponseStore } from '../surveys/ports';
import type { SurveyResponse } from '../surveys/response';
import { addCounters, aggregateKeyId, deltaOf, STORED_GRANULARITIES, periodOf, type AggregateDelta, type AggregateKey, type Counters, type Granularity } from './aggregates';
import type { AggregateStore, JournalEntry, StoredAggregate } from './ports';
import type { Range } from './reports';

/*
 * Verifying and rebuilding a survey's aggregate cells from its stored responses. A cell can drift when a
 * stream record is lost (its retries ran out) or a cell is damaged; a later revision would then take back
 * counts that were never added. `verify` recomputes and lists every counter that differs; `rebuild` rewrites
 * the cells while the stream keeps writing (see `rebuildAggregates`).
 */

/** Counters that come from invitation records, not responses: a rebuild keeps them as stored. */
export const FUNNEL_COUNTERS: readonly string[] = ['inv_sent', 'inv_opened', 'inv_delivered', 'inv_bounced'];
const fromResponses = (counter: string) => !FUNNEL_COUNTERS.includes(counter);

const DAY_MS = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(dayOf(t));
  return days;
};

/**
 * The responses a range needs and the cells they fully determine. Weeks and months that straddle the range
 * are read whole (the range grows to the Monday before and the end of the month after), and a cell is covered
 * only when every day of its period was read.
 */
export interface Coverage {
  /** Days whose responses are read. */
  readonly read: Range;
  covers(key: Pick<AggregateKey, 'granularity' | 'period'>): boolean;
}

export function coverageOf(range: Range): Coverage {
  const monday = (day: string) => dayOf(Date.parse(`${day}T00:00:00Z`) - ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) * DAY_MS);
  const sunday = (day: string) => dayOf(Date.parse(`${monday(day)}T00:00:00Z`) + 6 * DAY_MS);
  const monthEnd = (day: string) => dayOf(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0));
  const from = [monday(range.from), `${range.from.slice(0, 7)}-01`].sort()[0];
  const to = [sunday(range.to), monthEnd(range.to)].sort()[1];
  const daysRead = new Map<string, number>();
  for (const day of daysBetween(from, to)) for (const g of STORED_GRANULARITIES) daysRead.set(`${g}|${periodOf(g, day)}`, (daysRead.get(`${g}|${periodOf(g, day)}`) ?? 0) + 1);
  const length = (granularity: Granularity, period: string) =>
    granularity === 'D' ? 1 : granularity === 'W' ? 7 : new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();
  return {
    read: { from, to },
    covers: (key) => (daysRead.get(`${key.granularity}|${key.period}`) ?? 0) === length(key.granularity, key.period),
  };
}

/** What the stored responses add up to, per covered cell (response counters only). */
export function expectedCells(responses: Iterable<SurveyResponse>, coverage: Coverage): Map<string, AggregateDelta> {
  const cells = new Map<string, AggregateDelta>();
  for (const response of responses) {
    for (const delta of deltaOf(undefined, response)) {
      if (!coverage.covers(delta.key)) continue;
      const id = aggregateKeyId(delta.key);
      const cell = cells.get(id) ?? { key: delta.key, counters: {} };
      addCounters(cell.counters as Counters, delta.counters);
      cells.set(id, cell);
    }
  }
  return cells;
}

export interface CellDifference {
  readonly cell: string;
  readonly counter: string;
  readonly stored: number;
  readonly expected: number;
}

/** Every response counter of a covered cell whose stored value differs from the recomputation. */
export function differencesOf(expected: ReadonlyMap<string, AggregateDelta>, stored: readonly StoredAggregate[], coverage: Coverage): CellDifference[] {
  const storedById = new Map(stored.filter((c) => coverage.covers(c)).map((c) => [aggregateKeyId(c), c]));
  const differences: CellDifference[] = [];
  for (const id of new Set([...expected.keys(), ...storedById.keys()])) {
    const want = expected.get(id)?.counters ?? {};
    const have = storedById.get(id)?.counters ?? {};
    for (const counter of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (!fromResponses(counter)) continue;
      const [s, e] = [have[counter] ?? 0, want[counter] ?? 0];
      if (s !== e) differences.push({ cell: id, counter, stored: s, expected: e });
    }
  }
  return differences.sort((a, b) => a.cell.localeCompare(b.cell) || a.counter.localeCompare(b.counter));
}

/** Which state of a response its counts reflect: its revision, then whether its case opened (processing adds it). */
export const countedVersion = (response: Pick<SurveyResponse, 'revision' | 'scores'>) => response.revision * 2 + (response.scores?.caseOpened ? 1 : 0);

export interface AggregateMaintenanceDeps {
  readonly aggregates: AggregateStore;
  readonly responses: Pick<ResponseStore, 'listResponsesSubmitted'>;
  /** Waits, e.g. for the responses index to catch up with writes that came before the hold. */
  readonly sleep: (ms: number) => Promise<void>;
}

async function readResponses(deps: AggregateMaintenanceDeps, surveyId: string, coverage: Coverage) {
  const seen = new Map<string, number>();
  const responses: SurveyResponse[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.responses.listResponsesSubmitted(surveyId, coverage.read, { limit: 500, cursor });
    for (const response of page.items) {
      responses.push(response);
      seen.set(response.id, countedVersion(response));
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { responses, seen };
}

async function storedCells(aggregates: AggregateStore, surveyId: string, coverage: Coverage): Promise<StoredAggregate[]> {
  const cells: StoredAggregate[] = [];
  for (const granularity of STORED_GRANULARITIES) {
    const periods = [periodOf(granularity, coverage.read.from), periodOf(granularity, coverage.read.to)];
    cells.push(...(await aggregates.query(surveyId, granularity, periods[0], periods[1])));
  }
  return cells;
}

export interface VerifyReport {
  readonly surveyId: string;
  readonly range: Range;
  /** Days whose responses were read: whole weeks and months around the range. */
  readonly read: Range;
  readonly responses: number;
  readonly cells: number;
  readonly differences: readonly CellDifference[];
  /** A rebuild holds the survey's cells (one that stopped midway: run rebuild again to finish it). */
  readonly heldSince?: string;
}

/**
 * Recomputes the covered cells of a range from the stored responses and lists every counter that differs.
 * Read while the stream writes, a cell can differ for the second between an answer and its count: run it
 * again before acting on a single difference.
 */
export async function verifyAggregates(deps: AggregateMaintenanceDeps, surveyId: string, range: Range): Promise<VerifyReport> {
  const coverage = coverageOf(range);
  const heldSince = await deps.aggregates.heldSince(surveyId);
  const { responses } = await readResponses(deps, surveyId, coverage);
  const expected = expectedCells(responses, coverage);
  const stored = await storedCells(deps.aggregates, surveyId, coverage);
  const cells = new Set([...expected.keys(), ...stored.filter((c) => coverage.covers(c)).map(aggregateKeyId)]).size;
  return { surveyId, range, read: coverage.read, responses: responses.length, cells, differences: differencesOf(expected, stored, coverage), ...(heldSince && { heldSince }) };
}

export interface RebuildReport extends VerifyReport {
  /** Covered cells written from the recomputation. */
  readonly rewritten: number;
  /** Stream records that arrived during the rebuild, added after it (or left out where the rebuild had counted them). */
  readonly journaled: number;
}

/**
 * The part of a journaled record's change still to add once cells are rewritten: everything for cells the
 * rebuild did not rewrite; for rewritten cells, only what the responses read did not include yet.
 */
export function remainingDeltas(entry: JournalEntry, coverage: Coverage, seen: ReadonlyMap<string, number>): AggregateDelta[] {
  const counted = entry.responseId !== undefined && entry.version !== undefined && (seen.get(entry.responseId) ?? -1) >= entry.version;
  return entry.deltas
    .map((delta) => (counted && coverage.covers(delta.key) ? { key: delta.key, counters: Object.fromEntries(Object.entries(delta.counters).filter(([name]) => !fromResponses(name))) } : delta))
    .filter((delta) => Object.keys(delta.counters).length > 0);
}

/**
 * Rewrites a range's covered cells from the stored responses, while answers keep arriving:
 * 1. the survey's cells are held: from then on the stream writes each record's change to a journal instead
 *    (the hold is checked inside the stream's own transaction, so no change slips past it);
 * 2. after `settleMs` (the responses index catching up with writes before the hold), the responses are read
 *    with the state each was in, and the covered cells rewritten from them, funnel counters kept;
 * 3. the journal is added: a record whose state the read already counted adds nothing to a rewritten cell;
 * 4. the hold is released and the journal drained once more (records journaled just before the release).
 * Stopped midway, the hold stays and the journal keeps every change: running it again finishes the job.
 * What it cannot see: a record older than the hold that the stream has not handled by the end (the stream
 * more than `settleMs` behind) would be counted twice; the iterator-age alarm says when the stream lags.
 */
export async function rebuildAggregates(deps: AggregateMaintenanceDeps, surveyId: string, range: Range, now: Date, settleMs: number): Promise<RebuildReport> {
  const coverage = coverageOf(range);
  await deps.aggregates.hold(surveyId, now);
  await deps.sleep(settleMs);
  const { responses, seen } = await readResponses(deps, surveyId, coverage);
  const expected = expectedCells(responses, coverage);
  const stored = await storedCells(deps.aggregates, surveyId, coverage);
  const differences = differencesOf(expected, stored, coverage);
  // Rewritten: every covered cell, stored or expected; funnel counters as stored.
  const rewrites = new Map<string, AggregateDelta>();
  for (const cell of stored.filter((c) => coverage.covers(c))) {
    rewrites.set(aggregateKeyId(cell), { key: cell, counters: Object.fromEntries(Object.entries(cell.counters).filter(([name]) => !fromResponses(name))) });
  }
  for (const [id, cell] of expected) rewrites.set(id, { key: cell.key, counters: { ...(rewrites.get(id)?.counters ?? {}), ...cell.counters } });
  await deps.aggregates.replaceCells([...rewrites.values()]);
  let journaled = 0;
  const drain = async () => {
    for (const entry of await deps.aggregates.journal(surveyId)) {
      await deps.aggregates.settleJournalEntry(surveyId, entry.eventId, remainingDeltas(entry, coverage, seen));
      journaled += 1;
    }
  };
  await drain();
  await deps.sleep(settleMs);
  await drain();
  await deps.aggregates.release(surveyId);
  await drain();
  return { surveyId, range, read: coverage.read, responses: responses.length, cells: rewrites.size, differences, rewritten: rewrites.size, journaled };
}
