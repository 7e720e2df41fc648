/**
 * `npm run bench`: figures measured in one run on the local runtime, printed as one JSON object.
 * - ingest: POST /responses end to end (HTTP → API Gateway event → handler → conditional PutItem) against a
 *   raw PutItem of exactly the item ingest stores, on the same DynamoDB Local and over the same kind of
 *   kept-alive connection, as a ratio (the overhead of the whole path); with a breakdown: the handler invoked
 *   directly (no HTTP) and a bare Node HTTP round trip;
 * - streamToAlert: from the 202 of a detractor's response to its alert e-mail in the SES emulator;
 * - throughput: autocannon in its own process at 20 and 50 connections, ingest against raw PutItem of the
 *   same item on the same DynamoDB Local, interleaved rounds, the median round, and the CPU each request costs
 *   in each process (load generator, local runtime, DynamoDB Local);
 * - sustained: fixed-size rounds (see bench/sustained.ts), ingest timed until its last response is processed and
 *   aggregated against raw PutItem, at 20 and 50 connections; and the CPU one response costs in each stage
 *   (HTTP layer, each handler, the stream poller, DynamoDB Local), for a promoter and for a detractor;
 * - dynamoDbPerResponse: the DynamoDB requests one accepted response causes across the whole pipeline
 *   (ingest, scoring, case, aggregates), counted by a proxy in front of DynamoDB Local, for a promoter and a
 *   detractor (which opens a case and notifies);
 * - bundles: each handler as the stack bundles it (bytes, module load ms as the median of 7 fresh processes,
 *   taken in rounds over all handlers), the same handler as CommonJS importing the runtime's SDK for
 *   comparison, and each handler over the 100 ms budget with the modules that weigh most in it;
 * - peakRssMb: the bench process's peak resident memory (the local runtime runs in it); peakRssMbByHandler:
 *   deployed bundles run in processes of their own under their largest case (see bench/memory.ts);
 * - targets: each performance target, true when it holds in this run.
 * Absolute numbers depend on the machine; ratios within one run are what to compare between commits.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ANY_FREE_PORTS } from '../local/ports';
import { startLocalRuntime } from '../local/runtime';
import { measureAnalyzer } from './analyzer';
import { measureBundles } from './bundles';
import { apiEvent, measurePeakMemory } from './memory';
import { measureLongRange } from './long-range';
import { cpuMsOfListener } from './proc-cpu';
import { measureSustained } from './sustained';

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


type LoadResult = { requestsPerSecond: number; p50Ms: number; p99Ms: number; total: number; failed: number; cpuMs: number };

/**
 * requests/s of ingest and of raw PutItem at a fixed concurrency, from autocannon in its own process, with the
 * CPU each side costs per request in each process (load generator, local runtime, DynamoDB Local).
 */
async function load(target: 'ingest' | 'putItem', url: string, table: string, connections: number, seconds: number, item: Record<string, unknown>, dynamoDbCpuMs: () => number) {
  const runtimeCpu = process.cpuUsage();
  const dynamoDbBefore = dynamoDbCpuMs();
  // Asynchronously: the runtime serving the load lives in this process.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'load.ts'), JSON.stringify({ target, url, table, connections, seconds, item })], { encoding: 'utf8', cwd: ROOT });
  const result = JSON.parse(stdout) as LoadResult;
  const runtime = process.cpuUsage(runtimeCpu);
  const perRequest = (ms: number) => Math.round((ms / Math.max(1, result.total)) * 1000) / 1000;
  return {
    ...result,
    cpuMsPerRequest: { loadGenerator: perRequest(result.cpuMs), runtime: perRequest((runtime.user + runtime.system) / 1000), dynamoDbLocal: perRequest(dynamoDbCpuMs() - dynamoDbBefore) },
  };
}

async function throughput(apiUrl: string, dynamodbUrl: string, table: string, item: Record<string, unknown>, waitForStreams: () => Promise<void>) {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
  const rounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
  const dynamoDbCpuMs = cpuMsOfListener(Number(new URL(dynamodbUrl).port));
  const result: Record<string, unknown> = {};
  // One unmeasured round of each first: DynamoDB Local's JIT compiler and the runtime's connections warm up.
  await load('putItem', dynamodbUrl, table, 20, 2, item, dynamoDbCpuMs);
  await load('ingest', apiUrl, table, 20, 2, item, dynamoDbCpuMs);
  await waitForStreams();
  for (const connections of [20, 50]) {
    const ingest: Awaited<ReturnType<typeof load>>[] = [];
    const raw: Awaited<ReturnType<typeof load>>[] = [];
    for (let round = 0; round < rounds; round++) {
      // Each round starts with the stream drained, so one side's stream work does not run in the other's round.
      raw.push(await load('putItem', dynamodbUrl, table, connections, seconds, item, dynamoDbCpuMs));
      await waitForStreams();
      ingest.push(await load('ingest', apiUrl, table, connections, seconds, item, dynamoDbCpuMs));
      await waitForStreams();
    }
    // The median round of each side, with its CPU split.
    const middle = (results: typeof raw) => [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)];
    const [i, r] = [middle(ingest), middle(raw)];
    const total = (x: typeof i) => Math.round((x.cpuMsPerRequest.loadGenerator + x.cpuMsPerRequest.runtime + x.cpuMsPerRequest.dynamoDbLocal) * 1000) / 1000;
    result[`at${connections}`] = {
      ingestPerSecond: i.requestsPerSecond,
      rawPutItemPerSecond: r.requestsPerSecond,
      ratio: Math.round((i.requestsPerSecond / r.requestsPerSecond) * 100) / 100,
      cpuMsPerRequest: { ingest: { ...i.cpuMsPerRequest, total: total(i) }, rawPutItem: { ...r.cpuMsPerRequest, total: total(r) } },
      rawCpuOverIngestCpu: Math.round((total(r) / total(i)) * 100) / 100,
      rounds: { ingest: ingest.map((x) => x.requestsPerSecond), raw: raw.map((x) => x.requestsPerSecond) },
      failedRequests: [...ingest, ...raw].reduce((n, x) => n + x.failed, 0),
    };
  }
  return { secondsPerRound: seconds, cores: cpus().length, ...result };
}

/** DynamoDB requests per accepted response, counted in a process of their own (fresh handler modules and clients). */
async function dynamoDbPerResponse() {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'dynamodb-work.ts')], { encoding: 'utf8', cwd: ROOT, maxBuffer: 10_000_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const keepAlive = new Agent({ keepAlive: true });

/** A POST over a kept-alive connection, as the SDK sends PutItem: both sides pay the same client costs. */
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePost, rejectPost) => {
    const req = request(url, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', rejectPost);
    req.end(body);
  });
}

/** An HTTP server that answers 202 at once: what a bare Node HTTP round trip costs on this machine. */
async function echoServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/responses`, close: () => server.close() };
}

async function main() {
  // Module loads first, before the runtime and DynamoDB Local start: a cold start is measured on a quiet machine.
  const bundles = await measureBundles(Number(process.env.BENCH_LOADS ?? 7));
  const runtime = await startLocalRuntime({ ports: ANY_FREE_PORTS, inMemory: true, scheduleIntervalMs: 0, log: () => undefined });
  const echo = await echoServer();
  try {
    const ddb = new DynamoDBClient({});
    const table = runtime.env.TABLE_NAME;
    const answer = (answers: Record<string, unknown>) => JSON.stringify({ surveyId: 'demo', answers });
    const promoter = answer({ nps: 9, comment: 'fine' });

    // Warm every path (module loading, connections) before measuring.
    for (let i = 0; i < 20; i++) await post(`${runtime.apiUrl}/responses`, promoter);
    // The raw side writes exactly the item ingest stores, so the ratio is the path's overhead alone.
    const { id: sampleId } = JSON.parse((await post(`${runtime.apiUrl}/responses`, promoter)).body) as { id: string };
    const item = (await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `RESPONSE#${sampleId}` }, sk: { S: 'META' } } }))).Item;
    if (!item) throw new Error('the sample response was not stored');
    const answerEvent = () => apiEvent({ method: 'POST', path: '/responses', body: promoter, contentType: 'application/json' });

    // Interleaved, so machine noise hits every side alike.
    const raw: number[] = [];
    const ingest: number[] = [];
    const handlerOnly: number[] = [];
    const bareHttp: number[] = [];
    for (let i = 0; i < count; i++) {
      raw.push(await timed(() => ddb.send(new PutItemCommand({ TableName: table, Item: { ...item, pk: { S: `RESPONSE#${randomUUID()}` } }, ConditionExpression: 'attribute_not_exists(pk)' }))));
      ingest.push(
        await timed(async () => {
          const res = await post(`${runtime.apiUrl}/responses`, promoter);
          if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
        }),
      );
      handlerOnly.push(await timed(() => runtime.invoke('submitResponse', answerEvent())));
      bareHttp.push(await timed(() => post(echo.url, promoter)));
    }

    await runtime.waitForIdle();
    const latencies: number[] = [];
    for (let i = 0; i < alerts; i++) {
      const res = await post(`${runtime.apiUrl}/responses`, answer({ nps: 1, comment: `bench ${i}` }));
      const accepted = Date.now();
      const { id } = JSON.parse(res.body) as { id: string };
      for (;;) {
        const store = (await (await fetch(`${runtime.sesUrl}/store`)).json()) as { emails: { body: { text?: string } }[] };
        if (store.emails.some((m) => m.body.text?.includes(id))) break;
        if (Date.now() - accepted > 30_000) throw new Error('alert e-mail did not arrive within 30 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      latencies.push(Date.now() - accepted);
    }

    const concurrent = await throughput(runtime.apiUrl, runtime.dynamodbUrl, table, item, () => runtime.waitForIdle());
    await runtime.waitForIdle();
    const sustained = await measureSustained(runtime);
    const peakRssMbByHandler = await measurePeakMemory({ ...runtime.env });
    const yearSummary = await measureLongRange(runtime);
    const commentAnalyzer = await measureAnalyzer();
    const toWebhook = summary(await submissionToWebhook(runtime, alerts));
    const ingestSummary = summary(ingest);
    const rawSummary = summary(raw);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const streamToAlert = summary(latencies);
    const at20 = (concurrent as Record<string, unknown>).at20 as { ratio: number };
    const result = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30) },
      requests: count,
      ingest: ingestSummary,
      rawPutItem: rawSummary,
      ratios: { ingestOverRawPutItemP50: ratio(ingestSummary.p50Ms, rawSummary.p50Ms), ingestOverRawPutItemP95: ratio(ingestSummary.p95Ms, rawSummary.p95Ms) },
      // Where ingest's time goes beyond the PutItem: the handler alone (no HTTP), and a bare HTTP round trip.
      ingestBreakdownP50Ms: { rawPutItem: rawSummary.p50Ms, handlerInvokedDirectly: summary(handlerOnly).p50Ms, bareNodeHttpRoundTrip: summary(bareHttp).p50Ms, ingestOverHttp: ingestSummary.p50Ms },
      streamToAlertEmail: { samples: alerts, ...streamToAlert, note: 'local stream poll interval 250 ms' },
      // A detractor's case.opened, signed, at the local webhook receiver: two stream hops (the case, then its delivery).
      submissionToWebhook: { samples: alerts, ...toWebhook, note: 'local stream poll interval 250 ms, twice' },
      throughput: concurrent,
      // The whole path in fixed-size rounds, each ingest round ending when its responses are processed and aggregated.
      sustained,
      dynamoDbPerResponse: await dynamoDbPerResponse(),
      // A one-year summary over generated cells of 10k, 100k and 1M answers: items read and latency stay flat.
      yearSummary,
      bundles,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      // Each measured handler's deployed bundle in a process of its own, under its largest case: the memory sizes.
      peakRssMbByHandler,
      // The built-in comment analyzer, run by processResponses (and the sweeper) off the ingest path.
      commentAnalyzer,
      targets: {
        'ingestOverRawPutItemP50 <= 1.25': ratio(ingestSummary.p50Ms, rawSummary.p50Ms) <= 1.25,
        'throughput ratio at 20 >= 0.8': at20.ratio >= 0.8,
        'sustained ratio at 20 >= 0.8': (sustained.at20?.median.ratio ?? 0) >= 0.8,
        'sustained ratio at 50 >= 0.7': (sustained.at50?.median.ratio ?? 0) >= 0.7,
        'streamToAlert p50 < 500 ms': streamToAlert.p50Ms < 500,
        'streamToAlert p99 < 2000 ms': streamToAlert.p99Ms < 2000,
        'submissionToWebhook p50 < 1000 ms': toWebhook.p50Ms < 1000,
        'own code < 300 KB per handler, but the comment readers': Math.max(...Object.entries(bundles.sdkFromRuntime).filter(([name]) => !COMMENT_READERS.includes(name)).map(([, b]) => b.bytes)) < 300 * 1024,
        'comment readers own code < 1 MB': Math.max(...COMMENT_READERS.map((name) => bundles.sdkFromRuntime[name].bytes)) < 1024 * 1024,
        'deployed bundle < 300 KB per handler': Math.max(...Object.values(bundles.deployed).map((b) => b.bytes)) < 300 * 1024,
        // The two functions that read comments carry the analyzer's lexicon and models (about 0.8 MB): budgeted apart.
        'comment readers deployed < 1.5 MB': Math.max(...COMMENT_READERS.map((name) => bundles.deployed[name].bytes)) < 1.5 * 1024 * 1024,
        'comment analyzer p50 < 2 ms': commentAnalyzer.perCommentMs.p50 < 2,
        'health < 50 KB': bundles.deployed.health.bytes < 50 * 1024,
        'authorizer load <= 100 ms': bundles.deployed.authorizer.loadMs <= 100,
        'ingest load <= 100 ms': bundles.deployed.submitResponse.loadMs <= 100,
        'every handler load <= 100 ms, but the comment readers': bundles.overBudget.filter((o) => !COMMENT_READERS.includes(o.handler)).length === 0,
        'comment readers load <= 250 ms': COMMENT_READERS.every((name) => bundles.deployed[name].loadMs <= 250),
        'year summary items read, 1M over 10k <= 1.5': yearSummary.ratios1MOver10k.itemsRead <= 1.5,
        'year summary p50, 1M over 10k <= 1.5': yearSummary.ratios1MOver10k.summaryP50 <= 1.5,
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    echo.close();
    await runtime.stop();
  }
}

/** From a detractor's submission to its signed case.opened at the runtime's webhook receiver, per sample. */
async function submissionToWebhook(runtime: Awaited<ReturnType<typeof startLocalRuntime>>, samples: number): Promise<number[]> {
  const admin = { 'content-type': 'application/json', 'x-api-key': runtime.adminKey };
  const created = await fetch(`${runtime.apiUrl}/admin/destinations`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', type: 'webhook', url: `${runtime.webhookReceiverUrl}/bench`, events: ['case.opened'] }) });
  const { id: destinationId } = (await created.json()) as { id: string };
  // Functions read the destinations at most once per DESTINATIONS_CACHE_SECONDS.
  await new Promise((r) => setTimeout(r, 1500));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = Date.now();
      const res = await post(`${runtime.apiUrl}/responses`, JSON.stringify({ surveyId: 'demo', answers: { nps: 2, comment: `webhook bench ${i}` } }));
      const { id } = JSON.parse(res.body) as { id: string };
      for (;;) {
        const store = (await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: { path: string; body: string; signature: string }[] };
        if (store.received.some((r) => r.path === '/bench' && r.signature === 'valid' && r.body.includes(id))) break;
        if (Date.now() - started > 30_000) throw new Error('case.opened did not reach the webhook receiver within 30 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      latencies.push(Date.now() - started);
    }
  } finally {
    await fetch(`${runtime.apiUrl}/admin/destinations/${destinationId}`, { method: 'DELETE', headers: admin });
  }
  return latencies;
}

/** The functions that read comments (their bundles hold the built-in analyzer). */
const COMMENT_READERS: string[] = ['processResponses', 'sweepPending'];

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
