import { cpuPerResponseMs, firstSideOf, median, perSecond, roundFigures, summarizeRounds, type Round } from '../../../bench/sustained-stats';

const round = (ingestMs: number, rawMs: number, first: Round['first'] = 'ingest', acceptedMs = ingestMs / 2): Round => ({
  first,
  ingest: { requests: 1000, elapsedMs: ingestMs, acceptedMs, failed: 0 },
  rawPutItem: { requests: 1000, elapsedMs: rawMs, failed: 0 },
});

describe('sustained bench figures', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('no values');
  });

  it('gives requests per second over a span', () => {
    expect(perSecond(1000, 2500)).toBe(400);
    expect(perSecond(1000, 0)).toBe(0);
  });

  it('reports a round with its ratio, its 202 rate and the drain after the last answer', () => {
    expect(roundFigures(round(4000, 2000, 'rawPutItem', 3000))).toEqual({
      first: 'rawPutItem',
      ingestPerSecond: 250,
      rawPutItemPerSecond: 500,
      ratio: 0.5,
      ingestAcceptedPerSecond: 333.3,
      ingestDrainTailMs: 1000,
      failed: 0,
    });
  });

  it('takes the median of the rounds ratios, paired within each round', () => {
    // Round 2 ran on a slower machine: both sides slowed, its ratio did not.
    const summary = summarizeRounds([round(4000, 2000), round(8000, 4000, 'rawPutItem'), round(5000, 2000)]);
    expect(summary.median).toEqual({ ingestPerSecond: 200, rawPutItemPerSecond: 500, ratio: 0.5 });
    expect(summary.rounds.map((r) => r.ratio)).toEqual([0.5, 0.5, 0.4]);
    expect(summary.failedRequests).toBe(0);
  });

  it('alternates which side goes first', () => {
    expect([0, 1, 2, 3].map(firstSideOf)).toEqual(['ingest', 'rawPutItem', 'ingest', 'rawPutItem']);
  });

  it('divides each stage by the responses and totals them', () => {
    expect(cpuPerResponseMs({ http: 500_000, ingest: 1_000_000 }, 1000, 'us')).toEqual({ http: 0.5, ingest: 1, total: 1.5 });
    expect(cpuPerResponseMs({ dynamodbLocal: 300 }, 200, 'ms')).toEqual({ dynamodbLocal: 1.5, total: 1.5 });
  });
});
