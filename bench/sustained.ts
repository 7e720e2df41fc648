/**
 * Sustained throughput of the whole path, and the CPU one accepted response costs in each stage.
 *
 * - Rounds: a fixed number of requests per side (not a fixed time), interleaved ingest against raw PutItem,
 *   the side that goes first alternating by round, at each connection level. A raw round ends with its last
 *   answer. An ingest round ends when its last response has been processed and aggregated: the survey's
 *   aggregated comment count (`cm_n`, summed over its day cells) reaches its count before the round plus the
 *   round's accepted responses. A response adds to `cm_n` only once it is scored and its comment read
 *   (processResponses) and that state applied to the cells (aggregateResponses), so the count is the
 *   consumers' own output, not a poller's guess that the stream looks quiet. Before each side, the stream is
 *   settled (the runtime's waitForIdle, twice), so no side pays for the other's backlog.
 *   The raw side writes the item ingest stores under a key prefix of the same length that no consumer takes:
 *   the same write, with no consumer work.
 * - CPU per response by stage, in a process of its own whose runtime charges each synchronous slice of work to
 *   its stage (local/cpu-accounting.ts): http (the API emulation around the handler: Node's server, parsing,
 *   the API Gateway event and result mapping), ingest (submitResponse), processing (processResponses),
 *   aggregates (aggregateResponses), poller (the local stream pollers outside the consumers, idle polls
 *   included), dynamodbLocal (its JVM, from /proc), emulators (the SES and SNS emulators' processes), and
 *   other (the runtime process outside every stage: GC and other threads, the SNS tap). The load generator's
 *   own CPU and the bench's polling are left out. `oneAtATime`: the same, for answers sent one by one, each
 *   processed and aggregated before the next, so every invocation is a stream batch of one (survey traffic,
 *   which the cost model counts).
 *
 * Alone: `npx tsx bench/sustained.ts`, with BENCH_SUSTAINED_ROUNDS (5), BENCH_SUSTAINED_REQUESTS (1000 per
 * side and round), BENCH_SUSTAINED_CONNECTIONS ("20,50"), BENCH_SUSTAINED_CPU_REQUESTS (500 per kind),
 * BENCH_SUSTAINED_CPU_CONNECTIONS (20), BENCH_SUSTAINED_ONE_AT_A_TIME (40 of each kind, each its own stream batch).
 */
import { DynamoDBClient, GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LocalRuntime } from '../local/runtime';
import { cpuMsOfListener } from './proc-cpu';
import { cpuPerResponseMs, firstSideOf, summarizeRounds, type Round } from './sustained-stats';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);
const SURVEY = 'demo';
const PROMOTER = { nps: 9, comment: 'fine' };
const DETRACTOR = { nps: 1, comment: 'the delivery was late' };
/** As long as `RESPONSE#`, so the raw item has the same size; no stream consumer's filter takes it. */
const RAW_KEY_PREFIX = 'BENCHRAW#';
const POLL_MS = 20;

export interface SustainedSettings {
  readonly rounds: number;
  readonly requests: number;
  readonly connections: readonly number[];
  readonly cpuRequests: number;
  readonly cpuConnections: number;
  /** Responses sent one at a time, each its own stream batch, as at survey traffic. */
  readonly oneAtATime: number;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SustainedSettings {
  const positive = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  const connections = (env.BENCH_SUSTAINED_CONNECTIONS ?? '20,50').split(',').map((c) => Number(c.trim()));
  if (connections.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('BENCH_SUSTAINED_CONNECTIONS must list positive integers, e.g. 20,50');
  return {
    rounds: positive('BENCH_SUSTAINED_ROUNDS', 5),
    requests: positive('BENCH_SUSTAINED_REQUESTS', 1000),
    connections,
    cpuRequests: positive('BENCH_SUSTAINED_CPU_REQUESTS', 500),
    cpuConnections: positive('BENCH_SUSTAINED_CPU_CONNECTIONS', 20),
    oneAtATime: positive('BENCH_SUSTAINED_ONE_AT_A_TIME', 40),
  };
}

interface LoadOutput {
  total: number;
  failed: number;
  startedAtMs: number;
  finishedAtMs: number;
}

/** Exactly `amount` requests from autocannon in a process of its own (see bench/load.ts). */
async function loadOf(args: { target: 'ingest' | 'putItem'; url: string; table: string; connections: number; amount: number; item: Record<string, unknown>; answers?: Record<string, unknown> }): Promise<LoadOutput> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'load.ts'), JSON.stringify({ ...args, keyPrefix: RAW_KEY_PREFIX })], { encoding: 'utf8', cwd: ROOT });
  return JSON.parse(stdout) as LoadOutput;
}

/** The survey's aggregated comments: every response counted here has been processed and aggregated. */
function aggregatedComments(ddb: DynamoDBClient, table: string): () => Promise<number> {
  return async () => {
    let total = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await ddb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
          ExpressionAttributeValues: { ':pk': { S: `AGG#${SURVEY}` }, ':day': { S: 'D#' } },
          ProjectionExpression: 'cm_n',
          ExclusiveStartKey: start,
        }),
      );
      for (const cell of out.Items ?? []) total += Number(cell.cm_n?.N ?? 0);
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  };
}

/** When (epoch ms) the count reached `target`, polled every `everyMs`. */
async function reached(read: () => Promise<number>, target: number, timeoutMs: number, everyMs = POLL_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await read();
    if (now >= target) return Date.now();
    if (Date.now() > deadline) throw new Error(`the consumers did not catch up within ${timeoutMs} ms: ${now} of ${target} responses aggregated`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Nothing left on the stream: twice, as a pass already under way when the first wait began may have missed the newest records. */
async function settle(runtime: LocalRuntime) {
  await runtime.waitForIdle();
  await runtime.waitForIdle();
}

/** The item ingest stores for a promoter, read back, so the raw side writes exactly that. */
async function storedItem(runtime: LocalRuntime, ddb: DynamoDBClient, table: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${runtime.apiUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: SURVEY, answers: PROMOTER }) });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
  const { id } = (await res.json()) as { id: string };
  const item = (await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `RESPONSE#${id}` }, sk: { S: 'META' } } }))).Item;
  if (!item) throw new Error('the sample response was not stored');
  return item;
}

const drainTimeoutMs = (requests: number) => 120_000 + requests * 100;

/** The throughput rounds, on the given runtime. */
async function sustainedRounds(runtime: LocalRuntime, settings: SustainedSettings) {
  const table = runtime.env.TABLE_NAME;
  const ddb = new DynamoDBClient({ endpoint: runtime.dynamodbUrl, region: runtime.env.AWS_REGION });
  const item = await storedItem(runtime, ddb, table);
  const comments = aggregatedComments(ddb, table);

  const ingestSide = async (connections: number, amount: number): Promise<Round['ingest']> => {
    await settle(runtime);
    const before = await comments();
    const load = await loadOf({ target: 'ingest', url: runtime.apiUrl, table, connections, amount, item });
    const drainedAtMs = await reached(comments, before + amount - load.failed, drainTimeoutMs(amount));
    return { requests: amount, elapsedMs: drainedAtMs - load.startedAtMs, acceptedMs: load.finishedAtMs - load.startedAtMs, failed: load.failed };
  };
  const rawSide = async (connections: number, amount: number): Promise<Round['rawPutItem']> => {
    await settle(runtime);
    const load = await loadOf({ target: 'putItem', url: runtime.dynamodbUrl, table, connections, amount, item });
    return { requests: amount, elapsedMs: load.finishedAtMs - load.startedAtMs, failed: load.failed };
  };

  // One unmeasured round of each: DynamoDB Local's JIT compiler and the runtime's connections warm up.
  const warmUp = Math.min(settings.requests, 200);
  await rawSide(settings.connections[0], warmUp);
  await ingestSide(settings.connections[0], warmUp);

  const result: Partial<Record<`at${number}`, ReturnType<typeof summarizeRounds>>> = {};
  for (const connections of settings.connections) {
    const rounds: Round[] = [];
    for (let index = 0; index < settings.rounds; index++) {
      const first = firstSideOf(index);
      if (first === 'ingest') {
        const ingest = await ingestSide(connections, settings.requests);
        rounds.push({ first, ingest, rawPutItem: await rawSide(connections, settings.requests) });
      } else {
        const rawPutItem = await rawSide(connections, settings.requests);
        rounds.push({ first, ingest: await ingestSide(connections, settings.requests), rawPutItem });
      }
    }
    result[`at${connections}`] = summarizeRounds(rounds);
  }
  await settle(runtime);
  return result;
}

/** The stage names the report uses for the runtime's stages. */
const STAGE_NAMES: Record<string, string> = { http: 'http', submitResponse: 'ingest', processResponses: 'processing', aggregateResponses: 'aggregates', streamPoller: 'poller' };
/** The bench's own work inside the measured process (waiting for the drain), left out of the figures. */
const BENCH_STAGE = 'bench';

/**
 * CPU per accepted response by stage, for a promoter and a detractor, and per raw PutItem: in this process,
 * on a runtime of its own that charges its CPU to stages. Prints one JSON line.
 */
async function cpuByStage(settings: SustainedSettings) {
  const { cpuAccounting } = await import('../local/cpu-accounting');
  const { startLocalRuntime } = await import('../local/runtime');
  const { ANY_FREE_PORTS } = await import('../local/ports');
  const charged: Record<string, number> = {};
  const accounting = cpuAccounting((stage, micros) => (charged[stage] = (charged[stage] ?? 0) + micros));
  const runtime = await startLocalRuntime({ ports: ANY_FREE_PORTS, inMemory: true, scheduleIntervalMs: 0, log: () => undefined, cpuAccounting: accounting });
  try {
    const table = runtime.env.TABLE_NAME;
    const ddb = new DynamoDBClient({ endpoint: runtime.dynamodbUrl, region: runtime.env.AWS_REGION });
    const item = await storedItem(runtime, ddb, table);
    const comments = aggregatedComments(ddb, table);
    const dynamoDbMs = cpuMsOfListener(Number(new URL(runtime.dynamodbUrl).port));
    const emulatorMs = [runtime.sesUrl, runtime.snsUrl].map((url) => cpuMsOfListener(Number(new URL(url).port)));
    const { cpuConnections: connections, cpuRequests: amount } = settings;
    const switchMicros = accountingSwitchMicros();

    const snapshot = () => {
      const cpu = process.cpuUsage();
      return { charged: { ...charged }, processMicros: cpu.user + cpu.system, dynamoDbMs: dynamoDbMs(), emulatorMs: emulatorMs.reduce((n, read) => n + read(), 0), slices: accounting.slices };
    };
    /** Runs one kind of load to its end (drained and settled) and gives the ms of CPU per request by stage. */
    const measure = (work: () => Promise<number>) =>
      accounting.within(BENCH_STAGE, async () => {
        await settle(runtime);
        const before = snapshot();
        const requests = await work();
        await settle(runtime);
        const after = snapshot();
        const micros: Record<string, number> = {};
        let inStages = 0;
        for (const [stage, total] of Object.entries(after.charged)) {
          const used = total - (before.charged[stage] ?? 0);
          inStages += used;
          if (stage !== BENCH_STAGE && used > 0) micros[STAGE_NAMES[stage] ?? stage] = used;
        }
        const fromRuntime = cpuPerResponseMs({ ...micros, other: Math.max(0, after.processMicros - before.processMicros - inStages) }, requests, 'us');
        const fromProcesses = cpuPerResponseMs({ dynamodbLocal: after.dynamoDbMs - before.dynamoDbMs, emulators: after.emulatorMs - before.emulatorMs }, requests, 'ms');
        const { total: runtimeTotal, ...runtimeStages } = fromRuntime;
        const { total: processesTotal, ...processStages } = fromProcesses;
        // What the accounting itself added, spread over the stages: its switches times the cost of one.
        const accountingMs = Math.round((((after.slices - before.slices) * switchMicros) / 1000 / requests) * 1000) / 1000;
        const runtimeProcessMs = Math.round(((after.processMicros - before.processMicros) / 1000 / requests) * 1000) / 1000;
        return { requests, ...runtimeStages, ...processStages, total: Math.round((runtimeTotal + processesTotal) * 1000) / 1000, accountingReadsMs: accountingMs, runtimeProcessMs };
      });
    /** The runtime process's CPU per request with the accounting off: what the accounting itself adds shows against `runtimeProcessMs`. */
    const unaccounted = async (work: () => Promise<number>) => {
      accounting.disable();
      try {
        await settle(runtime);
        const before = process.cpuUsage();
        const requests = await work();
        await settle(runtime);
        const used = process.cpuUsage(before);
        return Math.round(((used.user + used.system) / 1000 / requests) * 1000) / 1000;
      } finally {
        accounting.enable();
      }
    };
    const ingestOf = (answers: Record<string, unknown>) => async () => {
      const before = await comments();
      const load = await loadOf({ target: 'ingest', url: runtime.apiUrl, table, connections, amount, item, answers });
      await reached(comments, before + amount - load.failed, drainTimeoutMs(amount), 100);
      return amount - load.failed;
    };

    // Warm every stage first (module loading, JIT, connections), unmeasured.
    accounting.enable();
    await accounting.within(BENCH_STAGE, async () => {
      await ingestOf(PROMOTER)();
      await ingestOf(DETRACTOR)();
    });
    const promoter = await measure(ingestOf(PROMOTER));
    const promoterRuntimeProcessMsUnaccounted = await unaccounted(ingestOf(PROMOTER));
    const detractor = await measure(ingestOf(DETRACTOR));
    const rawPutItem = await measure(async () => {
      const load = await loadOf({ target: 'putItem', url: runtime.dynamodbUrl, table, connections, amount, item });
      return amount - load.failed;
    });
    // At survey traffic: one answer, then nothing until both consumers are done with it, so every invocation
    // is a batch of one (the cost model's case: each invocation's own overhead is not shared).
    const oneByOne = (answers: Record<string, unknown>) => async () => {
      for (let i = 0; i < settings.oneAtATime; i++) {
        const res = await fetch(`${runtime.apiUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: SURVEY, answers }) });
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
        await settle(runtime);
      }
      return settings.oneAtATime;
    };
    const oneAtATime = { promoter: await measure(oneByOne(PROMOTER)), detractor: await measure(oneByOne(DETRACTOR)) };
    accounting.disable();
    process.stdout.write(`${JSON.stringify({ connections, requestsPerKind: amount, promoter, detractor, rawPutItem, oneAtATime, accountingCheck: { promoterRuntimeProcessMs: { accounted: promoter.runtimeProcessMs, unaccounted: promoterRuntimeProcessMsUnaccounted } } })}\n`);
  } finally {
    await runtime.stop();
  }
}

/** The cost (µs) of one accounting switch (a process.cpuUsage() call and a sum), to judge what the accounting adds. */
function accountingSwitchMicros(): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < 20_000; i++) process.cpuUsage();
  return Number(process.hrtime.bigint() - start) / 1000 / 20_000;
}

/** Each connection level's rounds and medians (`at20`, `at50`), with the settings and the CPU by stage. */
export type SustainedFigures = Partial<Record<`at${number}`, ReturnType<typeof summarizeRounds>>> & {
  readonly requestsPerRound: number;
  readonly roundsPerLevel: number;
  readonly cores: number;
  readonly roundEnd: Record<'ingest' | 'rawPutItem', string>;
  readonly cpuPerResponseMs: Record<string, unknown>;
};

/** The whole measurement: rounds on the given runtime, CPU by stage in a process of its own. */
export async function measureSustained(runtime: LocalRuntime, settings: SustainedSettings = settingsFromEnv()): Promise<SustainedFigures> {
  const rounds = await sustainedRounds(runtime, settings);
  // Without the settings this runtime put in the environment (endpoints, table): the child starts its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in runtime.env)));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', __filename, '--cpu-by-stage'], { encoding: 'utf8', cwd: ROOT, env, maxBuffer: 10_000_000 });
  const cpu = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  return {
    requestsPerRound: settings.requests,
    roundsPerLevel: settings.rounds,
    cores: cpus().length,
    roundEnd: { ingest: 'last response processed and aggregated (the survey\u2019s aggregated comment count)', rawPutItem: 'last answer' },
    ...rounds,
    cpuPerResponseMs: cpu,
  };
}

if (require.main === module) {
  if (process.argv.includes('--cpu-by-stage')) {
    cpuByStage(settingsFromEnv()).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    void import('./standalone').then(({ runStandalone }) => runStandalone((runtime) => measureSustained(runtime)));
  }
}
