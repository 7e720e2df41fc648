/**
 * `npm run bench`: figures measured in one run on the local runtime, printed as JSON.
 * - ingest: POST /responses end to end (HTTP → API Gateway event → handler → conditional PutItem) against a
 *   raw PutItem of the same item size on the same DynamoDB Local, as a ratio (overhead of the whole path);
 * - streamToAlert: from the 202 of a detractor's response to its alert e-mail in the SES emulator;
 * - bundles: minified size of each handler as the stack bundles it, and its module load time (median of
 *   fresh Node processes, the AWS SDK resolved from node_modules as the Lambda runtime provides it);
 * - throughput: autocannon in its own process at 20 and 50 connections, ingest against raw PutItem on the
 *   same DynamoDB Local, interleaved rounds, the median round;
 * - dynamoDbPerResponse: the DynamoDB requests one accepted response causes across the whole pipeline
 *   (ingest, scoring, case, aggregates), counted by a proxy in front of DynamoDB Local, for a promoter and a
 *   detractor (which opens a case and notifies);
 * - peakRssMb: the bench process's peak resident memory (the local runtime runs in it).
 * Absolute numbers depend on the machine; ratios within one run are what to compare between commits.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { BUNDLING } from '../lib/feedback-functions';
import { handlers, handlersInUse } from '../lambdas/pipeline';
import { ANY_FREE_PORTS } from '../local/ports';
import { startLocalRuntime } from '../local/runtime';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);
const count = Number(process.env.BENCH_REQUESTS ?? 200);
const alerts = Number(process.env.BENCH_ALERTS ?? 10);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 100) / 100;
};
const summary = (ms: number[]) => ({ p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), p99Ms: percentile(ms, 99), maxMs: percentile(ms, 100) });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]) => percentile(values, 50);

/** Each handler bundled as the stack bundles it: its size, and how long a fresh Node process takes to load it. */
async function bundles(loads = Number(process.env.BENCH_LOADS ?? 5)): Promise<{ bytes: Record<string, number>; loadMs: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bundles-'));
  const bytes: Record<string, number> = {};
  const loadMs: Record<string, number> = {};
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
    bytes[name] = out.outputFiles[0].contents.length;
    const file = join(dir, `${name}.js`);
    writeFileSync(file, out.outputFiles[0].contents);
    const times: number[] = [];
    for (let i = 0; i < loads; i++) {
      const printed = execFileSync(process.execPath, ['-e', `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`], {
        // The Lambda runtime provides the AWS SDK; here node_modules does.
        env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', POWERTOOLS_DEV: '' },
        encoding: 'utf8',
      });
      times.push(Number(printed.trim().split('\n').pop()));
    }
    loadMs[name] = median(times);
  }
  return { bytes, loadMs };
}

/** requests/s of ingest and raw PutItem at a fixed concurrency, from autocannon in its own process. */
async function load(target: 'ingest' | 'putItem', url: string, table: string, connections: number, seconds: number) {
  // Asynchronously: the runtime serving the load lives in this process.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'load.ts'), JSON.stringify({ target, url, table, connections, seconds })], { encoding: 'utf8', cwd: ROOT });
  return JSON.parse(stdout) as { requestsPerSecond: number; p50Ms: number; p99Ms: number; total: number; failed: number };
}

async function throughput(apiUrl: string, dynamodbUrl: string, table: string) {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
  const rounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
  const result: Record<string, unknown> = {};
  for (const connections of [20, 50]) {
    const ingest: number[] = [];
    const raw: number[] = [];
    let failed = 0;
    for (let round = 0; round < rounds; round++) {
      const r = await load('putItem', dynamodbUrl, table, connections, seconds);
      const i = await load('ingest', apiUrl, table, connections, seconds);
      raw.push(r.requestsPerSecond);
      ingest.push(i.requestsPerSecond);
      failed += r.failed + i.failed;
    }
    result[`at${connections}`] = {
      ingestPerSecond: median(ingest),
      rawPutItemPerSecond: median(raw),
      ratio: Math.round((median(ingest) / median(raw)) * 100) / 100,
      rounds: { ingest, raw },
      failedRequests: failed,
    };
  }
  return { secondsPerRound: seconds, ...result };
}

/** DynamoDB requests per accepted response, counted in a process of their own (fresh handler modules and clients). */
async function dynamoDbPerResponse() {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'dynamodb-work.ts')], { encoding: 'utf8', cwd: ROOT, maxBuffer: 10_000_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
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

    const concurrent = await throughput(runtime.apiUrl, runtime.dynamodbUrl, runtime.env.TABLE_NAME);
    await runtime.waitForIdle();
    const handlerBundles = await bundles();
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
          throughput: concurrent,
          dynamoDbPerResponse: await dynamoDbPerResponse(),
          bundleBytes: handlerBundles.bytes,
          bundleBytesTotal: Object.values(handlerBundles.bytes).reduce((a, b) => a + b, 0),
          moduleLoadMs: handlerBundles.loadMs,
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
          machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) },
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
