/** Pure figures of the sustained bench: rounds, medians and CPU per response. */

export interface RoundSide {
  /** Requests the round sent (each one answered). */
  readonly requests: number;
  /** From the first request sent to the round's end: the last answer (raw) or the last response aggregated (ingest). */
  readonly elapsedMs: number;
}

export interface Round {
  readonly first: 'ingest' | 'rawPutItem';
  readonly ingest: RoundSide & { readonly acceptedMs: number; readonly failed: number };
  readonly rawPutItem: RoundSide & { readonly failed: number };
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Requests per second over a span, to one decimal. */
export const perSecond = (requests: number, elapsedMs: number): number => (elapsedMs > 0 ? round(requests / (elapsedMs / 1000), 1) : 0);

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One round as reported: each side's requests/s and their ratio (ingest ÷ raw). */
export function roundFigures(r: Round) {
  const ingestPerSecond = perSecond(r.ingest.requests, r.ingest.elapsedMs);
  const rawPutItemPerSecond = perSecond(r.rawPutItem.requests, r.rawPutItem.elapsedMs);
  return {
    first: r.first,
    ingestPerSecond,
    rawPutItemPerSecond,
    ratio: rawPutItemPerSecond > 0 ? round(ingestPerSecond / rawPutItemPerSecond, 3) : 0,
    // How fast ingest answered 202, and how long the consumers took after its last answer.
    ingestAcceptedPerSecond: perSecond(r.ingest.requests, r.ingest.acceptedMs),
    ingestDrainTailMs: r.ingest.elapsedMs - r.ingest.acceptedMs,
    failed: r.ingest.failed + r.rawPutItem.failed,
  };
}

/**
 * The rounds and their medians. The ratio is the median of the rounds' ratios: each round's two sides ran
 * back to back, so pairing them cancels the machine's drift between rounds.
 */
export function summarizeRounds(rounds: readonly Round[]) {
  const figures = rounds.map(roundFigures);
  return {
    rounds: figures,
    median: {
      ingestPerSecond: round(median(figures.map((f) => f.ingestPerSecond)), 1),
      rawPutItemPerSecond: round(median(figures.map((f) => f.rawPutItemPerSecond)), 1),
      ratio: round(median(figures.map((f) => f.ratio)), 3),
    },
    failedRequests: figures.reduce((n, f) => n + f.failed, 0),
  };
}

/** Which side goes first in round `index`: they alternate, so neither always runs on the warmer machine. */
export const firstSideOf = (index: number): Round['first'] => (index % 2 === 0 ? 'ingest' : 'rawPutItem');

/** ms of CPU per response for each stage (µs or ms in, by `unit`), with their total, to 3 decimals. */
export function cpuPerResponseMs(byStage: Record<string, number>, responses: number, unit: 'us' | 'ms'): Record<string, number> & { total: number } {
  const toMs = (value: number) => (unit === 'us' ? value / 1000 : value);
  const out: Record<string, number> = {};
  let total = 0;
  for (const [stage, value] of Object.entries(byStage)) {
    const ms = toMs(value) / responses;
    out[stage] = round(ms, 3);
    total += ms;
  }
  return { ...out, total: round(total, 3) };
}
