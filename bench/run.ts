/**
 * `npm run bench`: figures measured in one run on the local runtime, printed as JSON.
 * - ingest: POST /responses end to end (HTTP → API Gateway event → handler → conditional PutItem) against a
 *   raw PutItem of the same item size on the same DynamoDB Local, as a ratio (overhead of the whole path);
 * - streamToAlert: from the 202 of a detractor's response to its alert e-mail in the SES emulator;
 * - bundles: minified size of each handler as the stack bundles it.
 * Absolute numbers depend on the machine; ratios within one run are what to compare between commits.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { BUNDLING } from '../lib/feedback-functions';
import { handlers, handlersInUse } from '../lambdas/pipeline';
import { ANY_FREE_PORTS } from '../local/ports';
import { startLocalRuntime } from '../local/runtime';

const ROOT = resolve(__dirname, '..');
const count = Number(process.env.BENCH_REQUESTS ?? 200);
const alerts = Number(process.env.BENCH_ALERTS ?? 10);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
};
const summary = (ms: number[]) => ({ p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), maxMs: percentile(ms, 100) });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function bundleSizes(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of handlersInUse()) {
    const out = await build({
      entryPoints: [join(ROOT, handlers[name].entry)],
      bundle: true,
      minify: BUNDLING.minify,
      platform: 'node',
      target: BUNDLING.target,
      format: 'cjs',
      external: [...BUNDLING.externalModules],
      write: false,
      logLevel: 'silent',
    });
    sizes[name] = out.outputFiles[0].contents.length;
  }
  return sizes;
}

async function main() {
  const runtime = await startLocalRuntime({ ports: ANY_FREE_PORTS, inMemory: true, scheduleIntervalMs: 0, log: () => undefined });
  try {
    const ddb = new DynamoDBClient({});
    const post = (answers: Record<string, unknown>) =>
      fetch(`${runtime.apiUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: 'demo', answers }) });

    // Warm both paths (module loading, connections) before measuring.
    for (let i = 0; i < 10; i++) await post({ nps: 10 });

    // Interleaved, so machine noise hits both sides alike.
    const raw: number[] = [];
    const ingest: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      raw.push(
        await timed(() =>
          ddb.send(
            new PutItemCommand({
              TableName: runtime.env.TABLE_NAME,
              Item: { pk: { S: `BENCH#${id}` }, sk: { S: 'META' }, answers: { M: { nps: { N: '9' }, comment: { S: 'fine' } } }, submittedAt: { S: new Date().toISOString() } },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      );
      ingest.push(
        await timed(async () => {
          const res = await post({ nps: 9, comment: 'fine' });
          if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
        }),
      );
    }

    await runtime.waitForIdle();
    const latencies: number[] = [];
    for (let i = 0; i < alerts; i++) {
      const res = await post({ nps: 1, comment: `bench ${i}` });
      const accepted = Date.now();
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const store = (await (await fetch(`${runtime.sesUrl}/store`)).json()) as { emails: { body: { text?: string } }[] };
        if (store.emails.some((m) => m.body.text?.includes(id))) break;
        if (Date.now() - accepted > 30_000) throw new Error('alert e-mail did not arrive within 30 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      latencies.push(Date.now() - accepted);
    }

    const bundles = await bundleSizes();
    const ingestSummary = summary(ingest);
    const rawSummary = summary(raw);
    console.log(
      JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          node: process.version,
          requests: count,
          ingest: ingestSummary,
          rawPutItem: rawSummary,
          ratios: {
            ingestOverRawPutItemP50: Math.round((ingestSummary.p50Ms / rawSummary.p50Ms) * 100) / 100,
            ingestOverRawPutItemP95: Math.round((ingestSummary.p95Ms / rawSummary.p95Ms) * 100) / 100,
          },
          streamToAlertEmail: { samples: alerts, ...summary(latencies), note: 'local stream poll interval 250 ms' },
          bundleBytes: bundles,
          bundleBytesTotal: Object.values(bundles).reduce((a, b) => a + b, 0),
        },
        null,
        2,
      ),
    );
  } finally {
    await runtime.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
