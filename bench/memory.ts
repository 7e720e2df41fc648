/**
 * Peak resident memory of each measured handler as deployed: its ESM bundle loaded in a fresh Node process,
 * invoked with real events against the local runtime's emulators, the process's peak RSS read at the end.
 * Cases: ingest (many answers), the largest allowed CRM import, a response export, and stream batches (the
 * table's own records, replayed: consumers are idempotent).
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { esbuildOptions, NODE_OPTIONS } from '../lib/bundling';
import { authorizerContextOf } from '../lambdas/domain/people/api-keys';
import { handlers, routes, type HandlerName } from '../lambdas/pipeline';
import { MAX_CUSTOMER_ROWS } from '../lambdas/domain/people/customer-schema';
import { matchRoute, toHttpApiEvent } from '../local/apigw';
import { recordsSoFar, streamReader } from '../local/stream-reader';
import type { DynamoDBRecord } from 'aws-lambda';
import { runStandalone } from './standalone';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

export function apiEvent(call: Call) {
  const url = new URL(call.path, 'http://localhost');
  const matched = matchRoute(routes, call.method, url.pathname);
  if (!matched) throw new Error(`no route for ${call.method} ${call.path}`);
  const admin = matched.route.auth === 'apiKey' ? authorizerContextOf({ name: 'bench', role: 'admin' }) : undefined;
  const headers = call.contentType ? { 'content-type': call.contentType } : {};
  return toHttpApiEvent({ method: call.method, url, headers, body: Buffer.from(call.body ?? ''), sourceIp: '127.0.0.1' }, matched, admin);
}

/** A CRM export of the largest import one request takes: the most rows, each full, unique customers. */
function largestCrmImport(): string {
  const lines = ['customerId,name,email,phone,segment,lifetimeValue,contractState,contractEndsAt,lastTransactionAt,lastTransactionAmount,accountManager'];
  const longName = 'Customer '.padEnd(180, 'x');
  for (let i = 0; i < MAX_CUSTOMER_ROWS; i++) {
    lines.push(`bench-${i},${longName} ${i},customer${i}@example.org,,gold,${i % 5000},active,2027-06-30,2026-11-01T09:00:00Z,${i % 400},am@example.org`);
  }
  // Under the body limit (2 MB): the handler would refuse it otherwise, and the measurement would throw.
  return lines.join('\n');
}

/**
 * Runs a handler's deployed bundle (built as the stack builds it) in a fresh Node process on `events`, one
 * after another: what each returned, and the process's peak resident memory in MB.
 */
export async function runDeployedBundle(dir: string, name: HandlerName, events: unknown[], env: Record<string, string>): Promise<{ results: unknown[]; peakRssMb: number }> {
  const bundle = join(dir, `${name}.mjs`);
  await build(esbuildOptions(join(ROOT, handlers[name].entry), bundle));
  const eventsFile = join(dir, `${name}.events.json`);
  const resultsFile = join(dir, `${name}.results.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  const code = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(bundle)});
    const context = { functionName: ${JSON.stringify(name)}, awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
    const results = [];
    for (const event of JSON.parse(readFileSync(${JSON.stringify(eventsFile)}, 'utf8'))) results.push((await handler(event, context)) ?? null);
    writeFileSync(${JSON.stringify(resultsFile)}, JSON.stringify(results));
    console.log(process.resourceUsage().maxRSS);`;
  const { stdout } = await run(process.execPath, [NODE_OPTIONS, '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env, POWERTOOLS_DEV: '' }, maxBuffer: 10_000_000 });
  return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as unknown[], peakRssMb: Math.round(Number(stdout.trim().split('\n').pop()) / 1024) };
}

async function peakRssMb(dir: string, name: HandlerName, events: unknown[], env: Record<string, string>): Promise<number> {
  const { results, peakRssMb: peak } = await runDeployedBundle(dir, name, events, env);
  const refused = results.find((r) => typeof (r as { statusCode?: unknown })?.statusCode === 'number' && (r as { statusCode: number }).statusCode >= 400);
  if (refused) throw new Error(`${name} refused a measured case: ${JSON.stringify(refused).slice(0, 300)}`);
  return peak;
}

/** Stream batches as Lambda delivers them: the table's response records so far, 25 per batch, at most `max` batches. */
async function streamBatches(env: Record<string, string>, max: number) {
  const { DynamoDBClient, DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  const streamArn = (await new DynamoDBClient({}).send(new DescribeTableCommand({ TableName: env.TABLE_NAME }))).Table?.LatestStreamArn;
  if (!streamArn) throw new Error('the table has no stream');
  const reader = streamReader({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS, streamArn, region: env.AWS_REGION });
  const records = await recordsSoFar(reader, { keep: (record) => Boolean(record.dynamodb?.Keys?.pk?.S?.startsWith('RESPONSE#')), limit: max * 25 });
  const batches: { Records: DynamoDBRecord[] }[] = [];
  for (let i = 0; i < records.length && batches.length < max; i += 25) batches.push({ Records: records.slice(i, i + 25) });
  return batches;
}

/** Peak RSS in MB per measured handler, against the emulators `env` points at. */
export async function measurePeakMemory(env: Record<string, string>): Promise<Record<string, number>> {
  const batches = await streamBatches(env, 20);
  const dir = mkdtempSync(join(tmpdir(), 'cx-memory-'));
  const answers = Array.from({ length: 300 }, (_, i) => apiEvent({ method: 'POST', path: '/responses', body: JSON.stringify({ surveyId: 'demo', answers: { nps: i % 11, comment: 'bench' } }), contentType: 'application/json' }));
  return {
    submitResponse: await peakRssMb(dir, 'submitResponse', answers, env),
    customers: await peakRssMb(dir, 'customers', [apiEvent({ method: 'POST', path: '/admin/customers/import', body: largestCrmImport(), contentType: 'text/csv' })], env),
    exportResponses: await peakRssMb(dir, 'exportResponses', [apiEvent({ method: 'GET', path: '/admin/surveys/demo/responses/export?format=csv' })], env),
    processResponses: await peakRssMb(dir, 'processResponses', batches, env),
    aggregateResponses: await peakRssMb(dir, 'aggregateResponses', batches, env),
  };
}

if (require.main === module) {
  // Standalone: against a fresh local runtime.
  runStandalone(async (runtime) => {
    for (let i = 0; i < 60; i++) await fetch(`${runtime.apiUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ surveyId: 'demo', answers: { nps: i % 11 } }) });
    await runtime.waitForIdle();
    return measurePeakMemory({ ...runtime.env });
  });
}
