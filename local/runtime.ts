// First: every handler module loaded after this gets the Tracer a deployed function without tracing gets.
import './tracer-off';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { env as envNames, handlers, schedules, streamConsumers, type HandlerName } from '../lambdas/pipeline';
import { DynamoApiKeyStore } from '../lambdas/adapters/dynamodb/api-keys';
import { DynamoResponseStore } from '../lambdas/adapters/dynamodb/responses';
import { DynamoSurveyStore } from '../lambdas/adapters/dynamodb/surveys';
import { DynamoPhoneStore } from '../lambdas/adapters/dynamodb/phone';
import { lambdaContext } from './apigw';
import type { CpuAccounting } from './cpu-accounting';
import { startDynamoDbLocal, startSesEmulator, startSnsEmulator, type Emulator } from './emulators';
import { runtimeEnvironment } from './environment';
import { createApiServer } from './http-server';
import { authorize } from '../lambdas/domain/people/api-keys';
import { resolvePorts, type LocalPortChoice } from './ports';
import { DEMO_PHONE_NUMBER, seed, type AdminKeySource } from './seed';
import { startSmsOutbox } from './sms-outbox';
import { startWebhookReceiver } from './webhook-receiver';
import { DynamoDestinationStore } from '../lambdas/adapters/dynamodb/destinations';
import { startSnsTap, type PublishedAlert } from './sns-tap';
import { StreamPoller } from './stream-poller';
import { streamReader } from './stream-reader';
import { ensureTable } from './table';

export type { PublishedAlert } from './sns-tap';

export interface LocalRuntimeOptions {
  /** Ports by name (see local/ports.ts); 0 picks a free one. @default the PORT, DYNAMODB_PORT, … variables, then 3000, 8000, … */
  readonly ports?: LocalPortChoice;
  /** Throwaway data: DynamoDB Local in memory. @default false */
  readonly inMemory?: boolean;
  /** Where DynamoDB Local keeps its file and the stream checkpoints live. @default LOCAL_DATA_DIR or .local */
  readonly dataDir?: string;
  /** @default true */
  readonly seedDemo?: boolean;
  /** Also about 3,000 answers to the demo survey over the last 90 days (once per data directory). @default false */
  readonly demoHistory?: boolean;
  /** Settings that win over process.env (e.g. SURVEY_ADMIN_KEY, TOKEN_SECRET). */
  readonly env?: Record<string, string>;
  /**
   * Runs each scheduled handler (the sweeper) this often instead of its declared interval; 0 never runs them
   * on a timer (they can still be invoked). @default the pipeline's `everyMinutes`
   */
  readonly scheduleIntervalMs?: number;
  readonly log?: (message: string) => void;
  /**
   * Charges the runtime's CPU to stages as it runs: `http` (the API emulation), each handler by name, and
   * `streamPoller` (the pollers outside their consumers). Measurement only (the bench); off when absent.
   */
  readonly cpuAccounting?: CpuAccounting;
}

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly sesUrl: string;
  readonly snsUrl: string;
  readonly dynamodbUrl: string;
  readonly snsQueueUrl: string;
  /** Where texted survey messages go locally (`/store` as JSON). */
  readonly smsOutboxUrl: string;
  /** The local webhook receiver: destinations may point here (http://127.0.0.1); `GET /` lists what arrived. */
  readonly webhookReceiverUrl: string;
  /** The number the demo survey answers on (calls and texts). */
  readonly demoPhoneNumber: string;
  readonly adminKey: string;
  /** SURVEY_ADMIN_KEY, kept from an earlier run in the data directory, or generated now. */
  readonly adminKeySource: AdminKeySource;
  /** Where the generated admin key is kept for restarts (none in memory). */
  readonly adminKeyFile?: string;
  /** Secrets the runtime generated because they were not set. */
  readonly generatedSecrets: readonly string[];
  /** The environment the handlers run with (endpoints, table, secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Messages published on the alert topic, as the local subscription received them. */
  published(): PublishedAlert[];
  /** Invokes a handler directly, as Lambda would (e.g. the sweeper with `{ olderThanSeconds: 0 }`). */
  invoke(name: HandlerName, event: unknown): Promise<unknown>;
  /** Resolves once the stream has nothing left to deliver. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..');

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Starts the emulators and serves the pipeline's handlers exactly as declared in lambdas/pipeline.ts.
 * Handler modules keep their SDK clients between invocations, as a warm Lambda container does; so one
 * process runs one runtime at a time, and a restart within a process keeps its ports.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((m: string) => console.log(m));
  const setting = (name: string) => options.env?.[name] ?? process.env[name];
  const ports = await resolvePorts(options.ports ?? {}, { ...process.env, ...options.env });
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? setting('LOCAL_DATA_DIR') ?? join(process.cwd(), '.local'));

  const emulators: Emulator[] = [];
  const stopEmulators = () => Promise.all(emulators.splice(0).map((e) => e.stop()));
  const started = await Promise.allSettled([
    startDynamoDbLocal(ports.dynamodb, dataDir && join(dataDir, 'dynamodb')),
    startSesEmulator(ports.ses),
    startSnsEmulator(ports.sns),
  ]);
  for (const s of started) if (s.status === 'fulfilled') emulators.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopEmulators();
    throw failed.reason;
  }
  const [dynamodb, ses, sns] = emulators;

  try {
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const { env: runtimeEnv, generatedSecrets } = runtimeEnvironment({
      setting,
      apiUrl,
      endpoints: { dynamodb: dynamodb.url, ses: ses.url, sns: sns.url, sms: `http://127.0.0.1:${ports.sms}` },
    });
    for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[name];
    Object.assign(process.env, runtimeEnv);
    const tableName = runtimeEnv[envNames.tableName];

    const smsOutbox = await startSmsOutbox(ports.sms, { accountSid: runtimeEnv[envNames.twilioAccountSid], authToken: runtimeEnv.TWILIO_AUTH_TOKEN });
    emulators.push({ name: 'SMS outbox', port: ports.sms, url: smsOutbox.url, stop: smsOutbox.stop });
    // Stands in for the systems that take webhooks; checks signatures with the secrets of the destinations whose URL path it was sent to.
    const webhooks = await startWebhookReceiver(ports.webhooks, async (path) =>
      (await new DynamoDestinationStore(runtimeEnv[envNames.tableName], new DynamoDBClient({ endpoint: dynamodb.url })).listDestinations())
        .filter((d) => d.type === 'webhook' && new URL(d.url).pathname === path)
        .flatMap((d) => (d.secrets ?? []).map((s) => s.secret)),
    );
    emulators.push({ name: 'Webhook receiver', port: ports.webhooks, url: webhooks.url, stop: webhooks.stop });

    // The runtime's own clients talk to the emulators directly, whatever endpoints the handlers were given.
    const ownDynamoDb = new DynamoDBClient({ endpoint: dynamodb.url });
    const streamArn = await ensureTable(ownDynamoDb, tableName);
    const tap = await startSnsTap(sns.url, log);
    emulators.push({ name: 'SNS tap', port: ports.sns, url: sns.url, stop: tap.stop });
    process.env[envNames.alertTopicArn] = runtimeEnv[envNames.alertTopicArn] = tap.topicArn;

    const adminKeyFile = dataDir && join(dataDir, 'admin-key');
    const { adminKey, adminKeySource } = await seed({ surveys: new DynamoSurveyStore(tableName, ownDynamoDb), responses: new DynamoResponseStore(tableName, ownDynamoDb), apiKeys: new DynamoApiKeyStore(tableName, ownDynamoDb) }, {
      ownerEmail: setting('DEMO_OWNER_EMAIL') ?? 'owner@example.com',
      adminKey: setting('SURVEY_ADMIN_KEY'),
      adminKeyFile,
      seedDemo: options.seedDemo ?? true,
      demoHistory: options.demoHistory ?? false,
      phones: new DynamoPhoneStore(tableName, ownDynamoDb),
    });

    const loaded = new Map<HandlerName, AnyHandler>();
    const handlerFor = (name: HandlerName): AnyHandler => {
      let fn = loaded.get(name);
      if (!fn) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        fn = require(join(ROOT, handlers[name].entry)).handler as AnyHandler;
        loaded.set(name, fn);
      }
      return fn;
    };
    const accounting = options.cpuAccounting;
    const inStage = <T>(stage: string, fn: () => T): T => (accounting ? accounting.within(stage, fn) : fn());
    const invokeHandler = async (name: HandlerName, event: unknown): Promise<unknown> => {
      const definition = handlers[name] as { timeoutSeconds?: number };
      const timeout = definition.timeoutSeconds ?? 10;
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          handlerFor(name)(event, lambdaContext(`cx-feedback-${name}`, timeout)),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name} timed out after ${timeout} s`)), timeout * 1000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    const invoke = (name: HandlerName, event: unknown): Promise<unknown> => inStage(name, () => invokeHandler(name, event));

    // The Lambda Invoke path stands in for IAM: only an admin key may invoke a function directly.
    const keys = new DynamoApiKeyStore(tableName, ownDynamoDb);
    const mayInvoke = async (key: string | undefined) => {
      const found = await authorize(keys, key);
      return typeof found !== 'string' && found.role === 'admin';
    };
    // The server's handle, its connections and their parsers belong to the stage it listens in.
    const server = inStage('http', () => createApiServer(apiUrl, invoke, log, mayInvoke));
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      inStage('http', () => server.listen(ports.api, setting('HOST') ?? '127.0.0.1', () => resolveListen()));
    });

    // One poller per consumer, as each consumer has its own event source mapping in AWS: a consumer working
    // through a backlog (the aggregates after the demo history) never holds up another (an alert).
    const reader = streamReader({ endpoint: dynamodb.url, streamArn, region: runtimeEnv.AWS_REGION });
    const pollers = streamConsumers.map((consumer) => {
      const poller = new StreamPoller({
        reader,
        consumer,
        invoke: (c, event) => invoke(c.handler, event) as never,
        checkpointFile: dataDir && checkpointFileOf(dataDir, consumer.name),
        deadLetterFile: dataDir ? join(dataDir, 'dead-letters.jsonl') : undefined,
        log,
      });
      inStage('streamPoller', () => poller.start());
      return poller;
    });
    const deliveredSoFar = () => pollers.reduce((n, p) => n + p.delivered, 0);
    /** Every poller idle with nothing delivered meanwhile: one consumer's writes (a case) may feed another. */
    const waitForIdle = async () => {
      for (;;) {
        const before = deliveredSoFar();
        await Promise.all(pollers.map((p) => p.waitForIdle()));
        if (deliveredSoFar() === before) return;
      }
    };

    // EventBridge Scheduler's stand-in: each scheduled handler on its own timer, never two runs at once.
    const timers = schedules.map((schedule) => {
      const every = options.scheduleIntervalMs ?? schedule.everyMinutes * 60_000;
      if (every <= 0) return undefined;
      let running = false;
      return setInterval(() => {
        if (running) return;
        running = true;
        invoke(schedule.handler, {})
          .then((report) => {
            const found = (report as { found?: number } | undefined)?.found;
            if (found) log(`${schedule.name}: ${JSON.stringify(report)}`);
          })
          .catch((error) => log(`${schedule.name} failed: ${(error as Error).message}`))
          .finally(() => (running = false));
      }, every);
    });

    let stopped = false;
    return {
      apiUrl,
      sesUrl: ses.url,
      snsUrl: sns.url,
      dynamodbUrl: dynamodb.url,
      snsQueueUrl: tap.queueUrl,
      smsOutboxUrl: smsOutbox.url,
      webhookReceiverUrl: webhooks.url,
      demoPhoneNumber: DEMO_PHONE_NUMBER,
      adminKey,
      adminKeySource,
      adminKeyFile,
      generatedSecrets,
      env: runtimeEnv,
      published: () => tap.published(),
      invoke,
      waitForIdle,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        timers.forEach((t) => t && clearInterval(t));
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await Promise.all(pollers.map((p) => p.stop()));
        await stopEmulators();
      },
    };
  } catch (error) {
    await stopEmulators();
    throw error;
  }
}

/** A consumer's stream checkpoints; a data directory from before per-consumer polling starts from the shared file. */
function checkpointFileOf(dataDir: string, consumer: string): string {
  const file = join(dataDir, `stream-checkpoints-${consumer}.json`);
  const shared = join(dataDir, 'stream-checkpoints.json');
  if (!existsSync(file) && existsSync(shared)) copyFileSync(shared, file);
  return file;
}
