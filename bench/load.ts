/**
 * The bench's load generator, in its own process (so it does not share an event loop with the runtime):
 * `tsx bench/load.ts '<json>'` runs autocannon for a while (or for `amount` requests) at a fixed concurrency and
 * prints requests/s, with when it started and finished (epoch ms) so a caller can time past the last answer.
 * Targets: `ingest` (POST /responses) or `putItem` (a raw PutItem of the same item on DynamoDB Local, a unique
 * key each). Prints its own CPU time too, so the bench can say where the machine's CPU went.
 */
import autocannon, { type Request } from 'autocannon';
import { randomUUID } from 'node:crypto';
import { DYNAMODB_LOCAL_AUTHORIZATION } from '../local/stream-reader';

const { target, url, table, connections, seconds, amount, item, answers, keyPrefix } = JSON.parse(process.argv[2]) as {
  target: 'ingest' | 'putItem';
  url: string;
  table: string;
  connections: number;
  seconds?: number;
  /** Exactly this many requests instead of a duration. */
  amount?: number;
  /** The item ingest stores (DynamoDB JSON): the raw side writes the same, under a fresh key each time. */
  item: Record<string, unknown>;
  /** What ingest posts. @default a promoter with a comment */
  answers?: Record<string, unknown>;
  /** The raw side's key prefix. @default RESPONSE# (the stream consumers then take the raw items too) */
  keyPrefix?: string;
};

const request: Request =
  target === 'ingest'
    ? { method: 'POST' as const, path: '/responses', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: 'demo', answers: answers ?? { nps: 9, comment: 'fine' } }) }
    : {
        method: 'POST' as const,
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.PutItem',
          authorization: DYNAMODB_LOCAL_AUTHORIZATION,
        },
        setupRequest: (req: Request) => ({
          ...req,
          body: JSON.stringify({
            TableName: table,
            Item: { ...item, pk: { S: `${keyPrefix ?? 'RESPONSE#'}${randomUUID()}` } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        }),
      };

const startedAtMs = Date.now();
autocannon({ url, connections, ...(amount ? { amount } : { duration: seconds }), requests: [request] }, (error, result) => {
  if (error) throw error;
  const finishedAtMs = Date.now();
  const failed = result.non2xx + result.errors + result.timeouts;
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({ requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, total: result.requests.total, failed, cpuMs: (cpu.user + cpu.system) / 1000, startedAtMs, finishedAtMs }),
  );
});
