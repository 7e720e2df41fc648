import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { env as envNames, handlers, invocableHandlers, routes, secrets, streamConsumers, type HandlerName } from '../lambdas/pipeline';
import { DynamoFeedbackStore } from '../lambdas/adapters/dynamo-store';
import { fromHttpApiResult, lambdaContext, matchRoute, toAuthorizerEvent, toHttpApiEvent, type HttpRequestParts } from './apigw';
import { freePort, startDynamoDbLocal, startSesEmulator, startSnsEmulator, type Emulator } from './emulators';
import { DynamoPhoneStore } from '../lambdas/adapters/dynamo-phone-store';
import { DEMO_PHONE_NUMBER, seed } from './seed';
import { startSmsOutbox } from './sms-outbox';
import { StreamPoller } from './stream-poller';
import { ensureTable } from './table';

export interface LocalRuntimeOptions {
  /** API port; 0 picks a free one. @default PORT or 3000 */
  readonly port?: number;
  /** @default DYNAMODB_PORT or 8000 */
  readonly dynamodbPort?: number;
  /** @default SES_PORT or 8005 */
  readonly sesPort?: number;
  /** @default SNS_PORT or 8006 */
  readonly snsPort?: number;
  /** The local SMS outbox (Twilio Messages API). @default SMS_PORT or 8007 */
  readonly smsPort?: number;
  /** Throwaway data: DynamoDB Local in memory. @default false */
  readonly inMemory?: boolean;
  /** Where DynamoDB Local keeps its file and the stream checkpoints live. @default LOCAL_DATA_DIR or .local */
  readonly dataDir?: string;
  /** @default true */
  readonly seedDemo?: boolean;
  /** Settings that win over process.env (e.g. SURVEY_ADMIN_KEY, TOKEN_SECRET). */
  readonly env?: Record<string, string>;
  readonly log?: (message: string) => void;
}

export interface PublishedAlert {
  readonly message: Record<string, unknown>;
  readonly attributes: Record<string, string>;
}

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly sesUrl: string;
  readonly snsUrl: string;
  readonly dynamodbUrl: string;
  readonly snsQueueUrl: string;
  /** Where texted survey messages go locally (`/store` as JSON). */
  readonly smsOutboxUrl: string;
  /** The number the demo survey answers on (calls and texts). */
  readonly demoPhoneNumber: string;
  readonly adminKey: string;
  /** Secrets the runtime generated because they were not set. */
  readonly generatedSecrets: readonly string[];
  /** The environment the handlers run with (endpoints, table, secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Messages published on the alert topic, as the local subscription received them. */
  published(): PublishedAlert[];
  /** Resolves once the stream has nothing left to deliver. */
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..');
const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // the HTTP API's own payload limit

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

async function portFrom(option: number | undefined, variable: string, fallback: number): Promise<number> {
  const value = option ?? (process.env[variable] ? Number(process.env[variable]) : fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${variable} must be a port number, got ${process.env[variable]}`);
  return value === 0 ? freePort() : value;
}

/**
 * Starts the emulators and serves the pipeline's handlers exactly as declared in lambdas/pipeline.ts.
 * Handler modules keep their SDK clients between invocations, as a warm Lambda container does; so one
 * process runs one runtime at a time, and a restart within a process keeps its ports.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((m: string) => console.log(m));
  const setting = (name: string) => options.env?.[name] ?? process.env[name];
  const [port, dynamodbPort, sesPort, snsPort, smsPort] = await Promise.all([
    portFrom(options.port, 'PORT', 3000),
    portFrom(options.dynamodbPort, 'DYNAMODB_PORT', 8000),
    portFrom(options.sesPort, 'SES_PORT', 8005),
    portFrom(options.snsPort, 'SNS_PORT', 8006),
    portFrom(options.smsPort, 'SMS_PORT', 8007),
  ]);
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? setting('LOCAL_DATA_DIR') ?? join(process.cwd(), '.local'));

  const emulators: Emulator[] = [];
  const stopEmulators = () => Promise.all(emulators.splice(0).map((e) => e.stop()));
  const started = await Promise.allSettled([
    startDynamoDbLocal(dynamodbPort, dataDir && join(dataDir, 'dynamodb')),
    startSesEmulator(sesPort),
    startSnsEmulator(snsPort),
  ]);
  for (const s of started) if (s.status === 'fulfilled') emulators.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopEmulators();
    throw failed.reason;
  }
  const [dynamodb, ses, sns] = emulators;

  try {
    const generatedSecrets: string[] = [];
    const secretValues: Record<string, string> = {};
    for (const name of Object.keys(secrets)) {
      const given = setting(name);
      if (!given) generatedSecrets.push(name);
      secretValues[name] = given ?? randomBytes(32).toString('base64url');
    }
    const region = setting('AWS_REGION') ?? 'us-east-1';
    const tableName = setting(envNames.tableName) ?? 'cx-feedback';
    const apiUrl = `http://127.0.0.1:${port}`;
    const runtimeEnv: Record<string, string> = {
      AWS_REGION: region,
      // Emulators accept any credentials; real ones must never be used from here.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // Any client not pointed at an emulator fails on a closed local port instead of reaching AWS.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.url,
      AWS_ENDPOINT_URL_SESV2: ses.url,
      AWS_ENDPOINT_URL_SES: ses.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ENDPOINT_URL_SQS: sns.url,
      [envNames.tableName]: tableName,
      [envNames.senderEmail]: setting(envNames.senderEmail) ?? 'feedback@example.com',
      [envNames.publicUrl]: setting(envNames.publicUrl) ?? apiUrl,
      [envNames.twilioAccountSid]: setting(envNames.twilioAccountSid) ?? `AC${'0'.repeat(32)}`,
      [envNames.twilioFromNumber]: setting(envNames.twilioFromNumber) ?? DEMO_PHONE_NUMBER,
      [envNames.twilioApiUrl]: `http://127.0.0.1:${smsPort}`,
      POWERTOOLS_SERVICE_NAME: 'cx-feedback',
      POWERTOOLS_METRICS_DISABLED: setting('POWERTOOLS_METRICS_DISABLED') ?? 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: setting('POWERTOOLS_LOG_LEVEL') ?? 'WARN',
      ...secretValues,
    };
    for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[name];
    Object.assign(process.env, runtimeEnv);

    const smsOutbox = await startSmsOutbox(smsPort, { accountSid: runtimeEnv[envNames.twilioAccountSid], authToken: secretValues.TWILIO_AUTH_TOKEN });
    emulators.push({ name: 'SMS outbox', port: smsPort, url: smsOutbox.url, stop: smsOutbox.stop });

    const streamArn = await ensureTable(new DynamoDBClient({}), tableName);
    const snsClient = new SNSClient({});
    // fauxqs names queues by a virtual host; talk to its endpoint, not the queue URL's host.
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const topicArn = (await snsClient.send(new CreateTopicCommand({ Name: 'cx-feedback-alerts' }))).TopicArn!;
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'cx-feedback-alerts-local' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    process.env[envNames.alertTopicArn] = runtimeEnv[envNames.alertTopicArn] = topicArn;

    const store = new DynamoFeedbackStore(tableName);
    const { adminKey } = await seed(store, {
      ownerEmail: setting('DEMO_OWNER_EMAIL') ?? 'owner@example.com',
      adminKey: setting('SURVEY_ADMIN_KEY'),
      seedDemo: options.seedDemo ?? true,
      phones: new DynamoPhoneStore(tableName),
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
    const invoke = async (name: HandlerName, event: unknown): Promise<unknown> => {
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

    const server = createServer((req, res) => {
      serve(req, res).catch((error) => {
        log(`request failed: ${(error as Error).stack ?? error}`);
        if (!res.headersSent) send(res, 502, { error: { code: 'handler_failed', message: 'the handler failed; see the runtime log', details: [] } });
      });
    });

    async function serve(req: IncomingMessage, res: ServerResponse) {
      const body = await readBody(req);
      if (body === undefined) {
        return send(res, 413, { error: { code: 'payload_too_large', message: 'request body over 10 MB', details: [{ field: 'body', message: 'too large' }] } });
      }
      const url = new URL(req.url ?? '/', apiUrl);
      const parts: HttpRequestParts = { method: req.method ?? 'GET', url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };

      const direct = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (direct && parts.method === 'POST') {
        const target = invocableHandlers.find((i) => i.handler === decodeURIComponent(direct[1]));
        if (!target) return send(res, 404, { error: { code: 'not_found', message: `no directly invocable function ${direct[1]}`, details: [] } });
        let event: unknown;
        try {
          event = JSON.parse(body.toString('utf8') || '{}');
        } catch {
          return send(res, 400, { error: { code: 'malformed_json', message: 'the invocation payload is not JSON', details: [{ field: 'body', message: 'not JSON' }] } });
        }
        return send(res, 200, await invoke(target.handler, event));
      }

      const matched = matchRoute(routes, parts.method, url.pathname);
      if (!matched) return send(res, 404, { error: { code: 'not_found', message: `no route for ${parts.method} ${url.pathname}`, details: [] } });
      let authorizerContext: Record<string, unknown> | undefined;
      if (matched.route.auth === 'apiKey') {
        try {
          const verdict = (await invoke('authorizer', toAuthorizerEvent(parts, matched))) as { isAuthorized: boolean; context?: Record<string, unknown> };
          if (!verdict.isAuthorized) return send(res, 403, { error: { code: 'forbidden', message: 'this API key is not valid', details: [{ field: 'x-api-key', message: 'unknown key' }] } });
          authorizerContext = verdict.context;
        } catch (error) {
          if ((error as Error).message !== 'Unauthorized') throw error;
          return send(res, 401, { error: { code: 'unauthorized', message: 'an API key is required (x-api-key or Authorization: Bearer)', details: [{ field: 'x-api-key', message: 'missing' }] } });
        }
      }
      const result = fromHttpApiResult((await invoke(matched.route.handler, toHttpApiEvent(parts, matched, authorizerContext))) as APIGatewayProxyResultV2);
      const headers: Record<string, string | string[]> = { ...result.headers, 'content-length': String(result.body.length) };
      if (result.cookies.length) headers['set-cookie'] = result.cookies;
      res.writeHead(result.statusCode, headers);
      res.end(result.body);
    }

    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(port, setting('HOST') ?? '127.0.0.1', () => resolveListen());
    });

    const poller = new StreamPoller({
      client: new DynamoDBStreamsClient({}),
      streamArn,
      region,
      consumers: streamConsumers,
      invoke: (consumer, event) => invoke(consumer.handler, event) as never,
      checkpointFile: dataDir && join(dataDir, 'stream-checkpoints.json'),
      deadLetterFile: dataDir ? join(dataDir, 'dead-letters.jsonl') : undefined,
      log,
    });
    poller.start();

    const published: PublishedAlert[] = [];
    let tapping = true;
    const tap = (async () => {
      while (tapping) {
        try {
          const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
          for (const m of out.Messages ?? []) {
            const envelope = JSON.parse(m.Body ?? '{}');
            const attributes = Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, String((v as { Value: string }).Value)]));
            const alert = { message: JSON.parse(envelope.Message ?? '{}'), attributes };
            published.push(alert);
            log(`SNS alert published: ${alert.message.severity} at ${alert.message.touchpoint} (${alert.message.surveyName}), response ${alert.message.responseId}`);
            await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
          }
        } catch (error) {
          if (tapping) log(`SNS tap: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();

    let stopped = false;
    return {
      apiUrl,
      sesUrl: ses.url,
      snsUrl: sns.url,
      dynamodbUrl: dynamodb.url,
      snsQueueUrl: queueUrl,
      smsOutboxUrl: smsOutbox.url,
      demoPhoneNumber: DEMO_PHONE_NUMBER,
      adminKey,
      generatedSecrets,
      env: runtimeEnv,
      published: () => [...published],
      waitForIdle: () => poller.waitForIdle(),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        tapping = false;
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await poller.stop();
        await tap;
        await stopEmulators();
      },
    };
  } catch (error) {
    await stopEmulators();
    throw error;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
