import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { periodOf, STORED_GRANULARITIES } from '../lambdas/domain/insight/aggregates';
import { coveringPeriods } from '../lambdas/domain/insight/reports';
import { runStandalone } from './standalone';

/**
 * A one-year summary over 10k, 100k and 1M answers: the aggregate cells a year of that traffic leaves
 * (generated straight into the table: the stream would take hours to write 1M), then the summary report
 * over that year through the API. Items read come from the ranges the report reads; the latency is the
 * report's, over HTTP. Both should stay flat as the answers grow: cells are per day, touchpoint and channel.
 */
const TOUCHPOINTS = ['store', 'delivery', 'support-call'];
const CHANNELS = ['web', 'email', 'sms', 'voice-twilio'];
const DAY_MS = 86_400_000;

/** A seeded generator, so every run writes the same cells. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** The cells of `answers` spread over the 365 days to `to`, with NPS counters, as the stream keeps them. */
function cellsOf(surveyId: string, answers: number, to: string): Record<string, unknown>[] {
  const next = random(answers);
  const cells = new Map<string, Record<string, unknown> & { counters: Record<string, number> }>();
  const combos = TOUCHPOINTS.length * CHANNELS.length;
  const perCell = answers / (365 * combos);
  for (let d = 0; d < 365; d++) {
    const day = new Date(Date.parse(`${to}T00:00:00Z`) - d * DAY_MS).toISOString().slice(0, 10);
    for (const touchpoint of TOUCHPOINTS) {
      for (const channel of CHANNELS) {
        // Around the mean, and absent on a quiet day (few answers leave gaps).
        const n = Math.floor(perCell * 2 * next() + (next() < perCell % 1 ? 1 : 0));
        if (n === 0) continue;
        const promoters = Math.floor(n * 0.5);
        const detractors = Math.floor(n * 0.2);
        const counters = { responses: n, nps_n: n, nps_promoters: promoters, nps_detractors: detractors, nps_passives: n - promoters - detractors, 'h:nps:10': promoters, 'h:nps:0': detractors, 'h:nps:7': n - promoters - detractors };
        for (const granularity of STORED_GRANULARITIES) {
          const period = periodOf(granularity, day);
          const sk = `${granularity}#${period}#${touchpoint}#${channel}`;
          const cell = cells.get(sk) ?? { pk: `AGG#${surveyId}`, sk, entity: 'aggregate', surveyId, granularity, period, touchpoint, channel, counters: {} };
          for (const [k, v] of Object.entries(counters)) cell.counters[k] = (cell.counters[k] ?? 0) + v;
          cells.set(sk, cell);
        }
      }
    }
  }
  return [...cells.values()].map(({ counters, ...cell }) => ({ ...cell, ...counters }));
}

async function writeAll(ddb: DynamoDBClient, table: string, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } }));
    while (requests.length) {
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

export async function measureLongRange(runtime: { apiUrl: string; adminKey: string; env: Record<string, string> }, samples = 15) {
  const ddb = new DynamoDBClient({});
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 364 * DAY_MS).toISOString().slice(0, 10);
  const cover = coveringPeriods({ from, to });
  const inRange = (cell: Record<string, unknown>) =>
    cell.granularity === 'M'
      ? cover.months !== undefined && String(cell.period) >= cover.months.from && String(cell.period) <= cover.months.to
      : cell.granularity === 'D' && cover.days.some((d) => String(cell.period) >= d.from && String(cell.period) <= d.to);
  const byVolume: Record<string, { cellsStored: number; itemsRead: number; dayCellsInRange: number; summaryP50Ms: number; summaryP95Ms: number }> = {};
  for (const answers of [10_000, 100_000, 1_000_000]) {
    const survey = await fetch(`${runtime.apiUrl}/admin/surveys`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Year of ${answers}`, touchpoint: 'store', ownerEmail: 'bench@example.org', questions: [{ id: 'nps', type: 'nps', text: 'Recommend us?', required: true }] }),
    });
    const { id } = (await survey.json()) as { id: string };
    const cells = cellsOf(id, answers, to);
    await writeAll(ddb, runtime.env.TABLE_NAME, cells);
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < samples + 2; i++) {
      const started = performance.now();
      const res = await fetch(`${runtime.apiUrl}/admin/reports/summary?surveyId=${id}&from=${from}&to=${to}`, { headers: { 'x-api-key': runtime.adminKey } });
      const body = (await res.json()) as { total: { responses: number } };
      // The first two warm the path.
      if (i >= 2) times.push(performance.now() - started);
      total = body.total.responses;
    }
    const expected = cells.filter((c) => c.granularity === 'D').reduce((sum, c) => sum + Number(c.responses), 0);
    if (total !== expected) throw new Error(`the year's summary counted ${total} answers, the cells hold ${expected}`);
    times.sort((a, b) => a - b);
    byVolume[String(answers)] = {
      cellsStored: cells.length,
      itemsRead: cells.filter(inRange).length,
      dayCellsInRange: cells.filter((c) => c.granularity === 'D').length,
      summaryP50Ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10,
      summaryP95Ms: Math.round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] * 10) / 10,
    };
  }
  const small = byVolume['10000'];
  const large = byVolume['1000000'];
  return {
    range: { from, to },
    byVolume,
    ratios1MOver10k: { itemsRead: Math.round((large.itemsRead / small.itemsRead) * 100) / 100, summaryP50: Math.round((large.summaryP50Ms / small.summaryP50Ms) * 100) / 100 },
  };
}

// Alone: `npx tsx bench/long-range.ts` starts its own runtime.
if (require.main === module) runStandalone((runtime) => measureLongRange(runtime));
