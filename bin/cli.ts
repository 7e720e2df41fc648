import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseArgs } from 'node:util';
import { DynamoFeedbackStore } from '../lambdas/adapters/dynamo-store';
import { createApiKey } from '../lambdas/domain/api-keys';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  keys create [--name NAME]     create an admin API key; it is printed once and stored only as a hash
  replay [--older-than SEC]     finish every response whose scoring or alert did not complete (the stream
                                gave up, a provider was down, the record expired from the stream): runs the
                                sweeper function now and prints what it did. Default --older-than 0.
  responses import FILE --survey ID --channel face-to-face|direct-mail
                                answers collected offline, from a CSV file of any size (read as a stream,
                                sent in parts); prints the totals and every rejected row with its reason
  responses export --survey ID [--format csv|jsonl]
                                every response of a survey to stdout: RFC 4180 CSV (formula-safe) or JSON Lines
  customers import FILE         CRM profiles (customerId, name, email, phone, segment, lifetimeValue,
                                contractState, contractEndsAt, lastTransactionAt, lastTransactionAmount,
                                accountManager) from a CSV of any size; re-imports update
  cases list [--status S] [--owner E] [--team T] [--survey ID] [--touchpoint T] [--severity S] [--limit N]
                                cases, newest first, one line each
  cases show ID                 one case with its history
  cases ack|note|resolve|reopen ID [--note TEXT] [--resolution CODE]
                                act on a case (recorded as this API key's action; 409 if not allowed)

Options:
  --table NAME      table name (default: $TABLE_NAME, or "cx-feedback" as the local runtime names it)
  --endpoint URL    for keys: the DynamoDB endpoint, e.g. http://127.0.0.1:8000 for the local runtime;
                    for replay: the Lambda endpoint, e.g. http://127.0.0.1:3000 (the local runtime's API)
                    (default: the SDK's own resolution, i.e. AWS with your credentials)
  --function NAME   for replay: the sweeper function (default: $SWEEPER_FUNCTION, or "sweepPending" locally;
                    in AWS the stack's SweeperFunctionName output)
  --region REGION   (default: $AWS_REGION)
  --api URL         for cases and responses: the API base URL (default: $CX_API_URL, or http://127.0.0.1:3000)
  --key KEY         for cases and responses: an admin API key (default: $CX_API_KEY)

Examples:
  npm run cli -- keys create --name ops --endpoint http://127.0.0.1:8000
  TABLE_NAME=<TableName output of the stack> npm run cli -- keys create --name ops
  npm run cli -- replay --endpoint http://127.0.0.1:3000
  npm run cli -- replay --function <SweeperFunctionName output of the stack>
  CX_API_KEY=<key> npm run cli -- cases list --status open
  CX_API_KEY=<key> npm run cli -- cases resolve <caseId> --resolution compensated --note "Refunded"`;

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'admin' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      function: { type: 'string' },
      'older-than': { type: 'string', default: '0' },
      api: { type: 'string' },
      key: { type: 'string' },
      status: { type: 'string' },
      owner: { type: 'string' },
      team: { type: 'string' },
      survey: { type: 'string' },
      touchpoint: { type: 'string' },
      severity: { type: 'string' },
      limit: { type: 'string' },
      note: { type: 'string' },
      resolution: { type: 'string' },
      channel: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [group, action] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return 0;
  }
  // Emulators and the local runtime accept any credentials; without --endpoint the SDK finds AWS's.
  const clientConfig = {
    ...(values.region && { region: values.region }),
    ...(values.endpoint && {
      endpoint: values.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    }),
  };
  if (group === 'replay') {
    const olderThanSeconds = Number(values['older-than']);
    if (!Number.isInteger(olderThanSeconds) || olderThanSeconds < 0) {
      console.error('--older-than must be a whole number of seconds');
      return 2;
    }
    const functionName = values.function ?? process.env.SWEEPER_FUNCTION ?? 'sweepPending';
    const out = await new LambdaClient(clientConfig).send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify({ olderThanSeconds, limit: 1000 })) }),
    );
    const payload = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
    if (out.FunctionError) {
      console.error(`The sweeper failed: ${payload}`);
      return 1;
    }
    const report = JSON.parse(payload) as { found: number; completed: number; superseded: number; alerts: number; failed: { responseId: string; step: string; message: string }[] };
    console.log(`Replayed ${report.found} pending response(s): ${report.completed} finished, ${report.alerts} alert(s) sent or resumed, ${report.superseded} superseded by newer answers, ${report.failed.length} still failing.`);
    for (const f of report.failed) console.log(`  ${f.responseId}  ${f.step}: ${f.message}`);
    return report.failed.length ? 1 : 0;
  }
  if (group === 'cases') return cases(action, positionals[2], values);
  if ((group === 'responses' || group === 'customers') && action === 'import') return importFile(group, positionals[2], values);
  if (group === 'responses' && action === 'export') return exportResponses(values);
  if (group === 'keys' && action === 'create') {
    const tableName = values.table ?? process.env.TABLE_NAME ?? 'cx-feedback';
    const client = new DynamoDBClient(clientConfig);
    const { key, record } = await createApiKey(new DynamoFeedbackStore(tableName, client), values.name!, new Date());
    console.log(`Created API key "${record.name}" (role ${record.role}) in table ${tableName}.`);
    console.log(`Key (shown once; only its SHA-256 hash is stored): ${key}`);
    return 0;
  }
  console.error(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
  return 2;
}

type Values = Partial<Record<'format' | 'channel' | 'api' | 'key' | 'status' | 'owner' | 'team' | 'survey' | 'touchpoint' | 'severity' | 'limit' | 'note' | 'resolution', string>>;

/** Follows the export's pages to the end, writing each to stdout as it arrives. */
async function exportResponses(values: Values): Promise<number> {
  const api = (values.api ?? process.env.CX_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const key = values.key ?? process.env.CX_API_KEY;
  if (!values.survey || !key) {
    console.error(`responses export needs --survey and an API key (--key or CX_API_KEY)\n\n${USAGE}`);
    return 2;
  }
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ format: values.format ?? 'csv', ...(cursor && { cursor }) });
    const res: Response = await fetch(`${api}/admin/surveys/${encodeURIComponent(values.survey)}/responses/export?${query}`, { headers: { 'x-api-key': key } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${res.status} ${body}`);
    process.stdout.write(body);
    cursor = res.headers.get('x-next-cursor');
  } while (cursor);
  return 0;
}

/** Rows per request: well under the import route's limit. */
const IMPORT_CHUNK = 1000;

/** Streams a CSV file to an import route in parts, so files of any size go through the same validation. */
async function importFile(kind: 'responses' | 'customers', file: string | undefined, values: Values): Promise<number> {
  const api = (values.api ?? process.env.CX_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const key = values.key ?? process.env.CX_API_KEY;
  const ready = kind === 'customers' || (values.survey && values.channel);
  if (!file || !key || !ready) {
    console.error(`${kind} import needs FILE${kind === 'responses' ? ', --survey, --channel' : ''} and an API key (--key or CX_API_KEY)\n\n${USAGE}`);
    return 2;
  }
  const route =
    kind === 'customers'
      ? `${api}/admin/customers/import`
      : `${api}/admin/surveys/${encodeURIComponent(values.survey!)}/responses/import?channel=${encodeURIComponent(values.channel!)}`;
  const { createReadStream } = await import('node:fs');
  const { parse } = await import('csv-parse');
  const parser = createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, info: true, relax_column_count: true }));
  let header: string[] | undefined;
  let batch: { row: number; fields: Record<string, string> }[] = [];
  const totals = { received: 0, stored: 0, duplicates: 0, upserted: 0, rejected: [] as { row: number; field: string; message: string }[] };
  const send = async () => {
    if (!batch.length) return;
    const res = await fetch(route, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ rows: batch }),
    });
    const report = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`${res.status} ${report.error?.message ?? 'import failed'}: ${(report.error?.details ?? []).map((d: { field: string; message: string }) => `${d.field} ${d.message}`).join('; ')}`);
    totals.received += report.received;
    totals.stored += report.stored ?? 0;
    totals.duplicates += report.duplicates ?? 0;
    totals.upserted += report.upserted ?? 0;
    totals.rejected.push(...report.rejected);
    process.stderr.write(`\r${totals.received} rows sent…`);
    batch = [];
  };
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record;
      continue;
    }
    if (record.length !== header.length) {
      totals.received += 1;
      totals.rejected.push({ row: info.lines, field: 'row', message: `has ${record.length} fields, the header ${header.length}` });
      continue;
    }
    batch.push({ row: info.lines, fields: Object.fromEntries(header.map((column, i) => [column, record[i]])) });
    if (batch.length === IMPORT_CHUNK) await send();
  }
  await send();
  process.stderr.write('\n');
  console.log(
    kind === 'customers'
      ? `Imported ${file}: ${totals.received} rows, ${totals.upserted} profiles created or updated, ${totals.rejected.length} rejected.`
      : `Imported ${file}: ${totals.received} rows, ${totals.stored} stored, ${totals.duplicates} already imported, ${totals.rejected.length} rejected.`,
  );
  for (const r of totals.rejected.sort((a, b) => a.row - b.row)) console.log(`  row ${r.row}  ${r.field}: ${r.message}`);
  return 0;
}

/** The case commands talk to the admin API, locally or in AWS, so they go through the same checks as any client. */
async function cases(action: string | undefined, id: string | undefined, values: Values): Promise<number> {
  const api = (values.api ?? process.env.CX_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const key = values.key ?? process.env.CX_API_KEY;
  if (!key) {
    console.error('An admin API key is needed: --key KEY or CX_API_KEY');
    return 2;
  }
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(api + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': key, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const payload = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) {
      const details = (payload.error?.details ?? []).map((d: { field: string; message: string }) => `${d.field}: ${d.message}`).join('; ');
      throw new Error(`${res.status} ${payload.error?.message ?? 'request failed'}${details ? ` (${details})` : ''}`);
    }
    return payload;
  };
  const line = (c: Record<string, any>) => `${c.id}  ${c.status.padEnd(12)} ${c.severity.padEnd(8)} ${c.touchpoint}  ${c.owner}${c.team ? ` (${c.team})` : ''}  opened ${c.createdAt}`;
  if (action === 'list') {
    const query = new URLSearchParams(
      Object.entries({ status: values.status, owner: values.owner, team: values.team, surveyId: values.survey, touchpoint: values.touchpoint, severity: values.severity, limit: values.limit }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    const page = await call(`/admin/cases?${query}`);
    for (const c of page.items) console.log(line(c));
    console.log(`${page.items.length} case(s)${page.nextCursor ? ' (more: narrow the filter or raise --limit)' : ''}`);
    return 0;
  }
  if (!id) {
    console.error(`cases ${action ?? ''}: which case? Give its id.\n\n${USAGE}`);
    return 2;
  }
  if (action === 'show') {
    const c = await call(`/admin/cases/${encodeURIComponent(id)}`);
    console.log(line(c));
    for (const h of c.history) console.log(`  ${h.at}  ${h.action}${h.details ? `: ${h.details}` : ''} (${h.by})${h.note ? ` — ${h.note}` : ''}`);
    return 0;
  }
  const actions: Record<string, string> = { ack: 'acknowledge', note: 'note', resolve: 'resolve', reopen: 'reopen' };
  if (!action || !actions[action]) {
    console.error(`Unknown cases command: ${action ?? ''}\n\n${USAGE}`);
    return 2;
  }
  const body = { action: actions[action], ...(values.note && { note: values.note }), ...(values.resolution && { resolution: values.resolution }) };
  const c = await call(`/admin/cases/${encodeURIComponent(id)}/actions`, body);
  console.log(line(c));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
