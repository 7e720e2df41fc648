import { Command, InvalidArgumentError, Option } from 'commander';
import { createHash } from 'node:crypto';
import { DynamoApiKeyStore } from '../lambdas/adapters/dynamodb/api-keys';
import { reindexSurveys } from '../lambdas/adapters/dynamodb/surveys';
import { documentClient } from '../lambdas/adapters/dynamodb/table';
import { createApiKey, describeApiKey } from '../lambdas/domain/people/api-keys';
import { NewApiKeySchema } from '../lambdas/domain/people/roles';
import { adminApi, CliError, type ApiOptions } from './cli/api';
import { dynamoDbClient, invokeFunction, lambdaClient } from './cli/aws';
import { addCommentCommands } from './cli/comments';
import { addDestinationCommands } from './cli/destinations';
import { addMetricCommands } from './cli/metrics';
import { addDigestCommands } from './cli/digests';
import { checkReadable, isFileError, readInput, readJsonOrYaml, unreadable } from './cli/files';
import { csvRows, progress, type Row } from './cli/rows';

const program = new Command('cx')
  .description('Operate the CX feedback pipeline: locally (npm start) or a deployed stack.')
  .showHelpAfterError()
  .addHelpText('after', '\nAPI commands take --api/CX_API_URL (default http://127.0.0.1:3000) and --key/CX_API_KEY.\nkeys, replay and aggregates talk to AWS (your credentials and region), or to the local runtime: with --endpoint, or without it\nwhen the settings npm start prints are exported (keys: AWS_ENDPOINT_URL_DYNAMODB; replay and aggregates: AWS_ENDPOINT_URL_LAMBDA,\nor CX_API_URL on this machine; the runtime takes CX_API_KEY, an admin key).');

/** Options of every command that calls the admin API. */
const withApi = (command: Command) =>
  command.option('--api <url>', 'API base URL (default: $CX_API_URL or http://127.0.0.1:3000)').option('--key <key>', 'API key (default: $CX_API_KEY)');

/** Options of the commands that talk to AWS directly (DynamoDB or Lambda). */
const withAws = (command: Command) =>
  command
    .option('--endpoint <url>', 'service endpoint, e.g. http://127.0.0.1:8000 (DynamoDB Local, default: $AWS_ENDPOINT_URL_DYNAMODB) or http://127.0.0.1:3000 (the local runtime for replay and aggregates, default: $AWS_ENDPOINT_URL_LAMBDA, or $CX_API_URL when on this machine)')
    .option('--region <region>', 'AWS region (default: $AWS_REGION)');

const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};

// keys ---------------------------------------------------------------------------------------------------
const keys = program.command('keys').description('API keys, in the table directly (the first key cannot come from the API)');
const keyStore = async (options: { table?: string; endpoint?: string; region?: string }) => {
  const tableName = options.table ?? process.env.TABLE_NAME ?? 'cx-feedback';
  return { tableName, store: new DynamoApiKeyStore(tableName, await dynamoDbClient(options)) };
};
const withTable = (command: Command) => withAws(command).option('--table <name>', 'table name (default: $TABLE_NAME, or "cx-feedback" as the local runtime names it)');

withTable(keys.command('create').description('create a key; it is printed once and stored only as a hash'))
  .option('--name <name>', 'who or what uses the key', 'admin')
  .addOption(new Option('--role <role>', 'what the key may do').choices(['admin', 'manager', 'analyst']).default('admin'))
  .option('--surveys <ids>', 'manager scope: survey ids, comma-separated', list)
  .option('--touchpoints <names>', 'manager scope: touchpoints, comma-separated', list)
  .option('--teams <names>', 'manager scope: teams, comma-separated', list)
  .option('--email <address>', "the holder's address: the cases they own are \"mine\" in the dashboard")
  .action(async (options) => {
    const scope = { ...(options.surveys && { surveys: options.surveys }), ...(options.touchpoints && { touchpoints: options.touchpoints }), ...(options.teams && { teams: options.teams }) };
    const parsed = NewApiKeySchema.safeParse({ name: options.name, role: options.role, ...(Object.keys(scope).length && { scope }), ...(options.email && { email: options.email }) });
    if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`).join('; '), 2);
    const { tableName, store } = await keyStore(options);
    const { key, record } = await createApiKey(store, parsed.data, new Date());
    console.log(`Created API key "${record.name}" (role ${record.role}, id ${record.keyId}) in table ${tableName}.`);
    console.log(`Key (shown once; only its SHA-256 hash is stored): ${key}`);
  });

withTable(keys.command('list').description('list keys: id, name, role, scope, created, revoked')).action(async (options) => {
  const { store } = await keyStore(options);
  const found = (await store.listApiKeys()).map(describeApiKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const k of found) console.log(`${k.keyId}  ${k.role.padEnd(8)} ${k.name}${k.scope ? `  scope ${JSON.stringify(k.scope)}` : ''}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`);
  console.log(`${found.length} key(s)`);
});

withTable(keys.command('revoke').description('revoke a key by its id (from keys list); it is refused from the next request on').argument('<keyId>'))
  .action(async (keyId: string, options) => {
    if (!/^[0-9a-f]{16}$/.test(keyId)) throw new CliError('keyId is the 16-hex-digit id that keys list shows', 2);
    const revoked = await (await keyStore(options)).store.revokeApiKey(keyId, new Date());
    if (!revoked) throw new CliError(`No key with id ${keyId}`);
    console.log(`Revoked ${keyId} ("${revoked.name}") at ${revoked.revokedAt}.`);
  });

// surveys ------------------------------------------------------------------------------------------------
const surveys = program.command('surveys').description('surveys: create, list, read, edit (versioned), archive');

/** A survey definition from a JSON or YAML file. */
async function definitionFile(file: string): Promise<Record<string, unknown>> {
  const definition = await readJsonOrYaml(file);
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) throw new CliError(`${file} must hold one survey object`, 2);
  return definition as Record<string, unknown>;
}

/** What `surveys get` prints besides the definition: left out when the same file goes back to `surveys update`. */
const READ_ONLY_FIELDS = ['id', 'createdAt', 'updatedAt', 'archivedAt', 'version', 'status', 'alertRules', 'formUrl', 'hiddenQuestions', 'removedQuestions', 'notes', 'digestSummary'];
const surveyPath = (id: string) => `/admin/surveys/${encodeURIComponent(id)}`;

withApi(surveys.command('create').description('create a survey from a JSON or YAML file (the body of POST /admin/surveys)').argument('<file>')).action(async (file: string, options: ApiOptions) => {
  const created = await adminApi(options).call('POST', '/admin/surveys', await definitionFile(file));
  console.log(`Created survey ${created.id} ("${created.name}").\n  Form: ${created.formUrl}`);
});

withApi(surveys.command('list').description('surveys, newest first: id, status, version, responses, last answer, touchpoint, name'))
  .option('--archived', 'include archived surveys')
  .option('--limit <n>', 'surveys per request, 1–100', positiveInt)
  .action(async (options: ApiOptions & { archived?: boolean; limit?: number }) => {
    const api = adminApi(options);
    let cursor: string | undefined;
    let count = 0;
    do {
      const query = new URLSearchParams({ ...(options.archived && { include: 'archived' }), ...(options.limit && { limit: String(options.limit) }), ...(cursor && { cursor }) });
      const page = await api.call<{ items: Record<string, any>[]; nextCursor?: string }>('GET', `/admin/surveys?${query}`);
      for (const s of page.items) {
        console.log(`${s.id}  ${s.status.padEnd(8)} v${String(s.version).padEnd(3)} ${String(s.responseCount).padStart(6)} responses  last ${s.lastResponseAt ?? '-'}  ${s.touchpoint}  ${s.name}`);
      }
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    console.log(`${count} survey(s)${options.archived ? '' : ' (archived ones with --archived)'}`);
  });

withApi(surveys.command('get').description('one survey as JSON (its definition can be edited and sent back with surveys update)').argument('<surveyId>')).action(async (id: string, options: ApiOptions) => {
  console.log(JSON.stringify(await adminApi(options).call('GET', surveyPath(id)), null, 2));
});

withApi(
  surveys
    .command('update')
    .description("replace a survey's definition from a JSON or YAML file (a question keeps its type; one left out of a survey with responses is kept hidden)")
    .argument('<surveyId>'),
)
  .requiredOption('--file <file>', 'the definition (the body of POST /admin/surveys; the output of surveys get works too)')
  .option('--if-match <version>', 'the version the file was written against (default: the current one, read first)', positiveInt)
  .action(async (id: string, options: ApiOptions & { file: string; ifMatch?: number }) => {
    const api = adminApi(options);
    const definition = Object.fromEntries(Object.entries(await definitionFile(options.file)).filter(([k]) => !READ_ONLY_FIELDS.includes(k)));
    const version = options.ifMatch ?? (await api.call<{ version: number }>('GET', surveyPath(id))).version;
    let updated: Record<string, any>;
    try {
      updated = await api.call('PUT', surveyPath(id), definition, { 'if-match': `"${version}"` });
    } catch (error) {
      if (error instanceof CliError && error.message.startsWith('412')) throw new CliError(`${error.message}\nThe survey changed since version ${version}: read it again (surveys get) and re-apply your change.`);
      throw error;
    }
    console.log(`Updated survey ${updated.id} ("${updated.name}") to version ${updated.version}.`);
    for (const note of updated.notes ?? []) console.log(`  note: ${note}`);
    if (updated.removedQuestions?.length) console.log(`  removed (no responses yet): ${updated.removedQuestions.join(', ')}`);
  });

for (const [verb, description] of [
  ['archive', 'archive a survey: it takes no more answers on any channel and leaves the default list (idempotent)'],
  ['unarchive', 'make an archived survey take answers again (idempotent)'],
] as const) {
  withApi(surveys.command(verb).description(description).argument('<surveyId>')).action(async (id: string, options: ApiOptions) => {
    const survey = await adminApi(options).call('POST', `${surveyPath(id)}/${verb}`, {});
    console.log(`Survey ${survey.id} ("${survey.name}") is ${survey.status}${survey.archivedAt ? ` since ${survey.archivedAt}` : ''}.`);
  });
}

withTable(
  surveys
    .command('reindex')
    .description('list surveys stored before the survey list existed (run once after upgrading): a Scan of the table with your own credentials, filtered to unlisted surveys'),
).action(async (options: { table?: string; endpoint?: string; region?: string }) => {
  const tableName = options.table ?? process.env.TABLE_NAME ?? 'cx-feedback';
  const { scanned, listed } = await reindexSurveys(documentClient(await dynamoDbClient(options)), tableName);
  console.log(`Reindexed ${tableName}: ${listed} survey(s) added to the survey list (${scanned} item(s) scanned).`);
});

// invitations --------------------------------------------------------------------------------------------
const INVITATION_BATCH = 100;
withApi(
  program
    .command('invitations')
    .description('invitations')
    .command('send')
    .description('send invitations from a CSV (email: email,name,customerId and attribute columns; sms: phone,customerId); a rerun sends nobody twice')
    .argument('<file>'),
)
  .requiredOption('--survey <id>', 'the survey')
  .addOption(new Option('--channel <channel>', 'how to invite').choices(['email', 'sms']).default('email'))
  .option('--campaign <name>', 'names this send for retries (default: a hash of the file, survey and channel)')
  .action(async (file: string, options: ApiOptions & { survey: string; channel: 'email' | 'sms'; campaign?: string }) => {
    const content = await readInput(file);
    const api = adminApi(options);
    const campaign = options.campaign ?? createHash('sha256').update(content).update(`|${options.survey}|${options.channel}`).digest('hex').slice(0, 32);
    const route = `/admin/surveys/${encodeURIComponent(options.survey)}/${options.channel === 'email' ? 'invitations' : 'sms-invitations'}`;
    const problems: { row: number; message: string }[] = [];
    const totals: Record<string, number> = {};
    const seen = new Set<string>();
    const shown = progress('rows sent');
    let sent = 0;
    const contactOf = ({ fields }: Row) => {
      if (options.channel === 'sms') return { phone: fields.phone?.trim(), ...(fields.customerId && { customerId: fields.customerId }) };
      const { email, name, customerId, ...attributes } = fields;
      const kept = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== ''));
      return { email: email?.trim(), ...(name && { name }), ...(customerId && { customerId }), ...(Object.keys(kept).length && { attributes: kept }) };
    };
    const sendBatch = async (batch: Row[]) => {
      let rows = batch;
      for (let attempt = 0; rows.length > 0 && attempt < 2; attempt++) {
        try {
          const answer = await api.call<{ invitations: { status: string; reason?: string; error?: string; email?: string; phone?: string }[] }>('POST', route, { contacts: rows.map(contactOf) }, { 'idempotency-key': campaign });
          answer.invitations.forEach((result, i) => {
            totals[result.status] = (totals[result.status] ?? 0) + 1;
            if (result.status !== 'sent' && result.status !== 'already-sent') problems.push({ row: rows[i].row, message: `${result.status}${result.reason ? `: ${result.reason}` : ''}${result.error ? `: ${result.error}` : ''}` });
          });
          return;
        } catch (error) {
          // A refused row (e.g. a malformed address) is reported by index; the others go again without it.
          const bad = new Set([...(error as Error).message.matchAll(/contacts\.(\d+)\.(\w+): ([^;)]+)/g)].map((m) => Number(m[1])));
          if (bad.size === 0) throw error;
          for (const i of bad) problems.push({ row: rows[i].row, message: `refused: ${[...(error as Error).message.matchAll(new RegExp(`contacts\\.${i}\\.(\\w+): ([^;)]+)`, 'g'))].map((m) => `${m[1]} ${m[2]}`).join(', ')}` });
          rows = rows.filter((_, i) => !bad.has(i));
        }
      }
    };
    let batch: Row[] = [];
    for await (const row of csvRows(file, (line, message) => problems.push({ row: line, message }))) {
      const id = (options.channel === 'email' ? row.fields.email : row.fields.phone)?.trim().toLowerCase() ?? '';
      if (seen.has(id)) {
        problems.push({ row: row.row, message: 'the same contact appears earlier in the file' });
        continue;
      }
      seen.add(id);
      batch.push(row);
      if (batch.length === INVITATION_BATCH) {
        await sendBatch(batch);
        shown.update((sent += batch.length));
        batch = [];
      }
    }
    if (batch.length) await sendBatch(batch);
    shown.done();
    console.log(`Invitations from ${file}: ${Object.entries(totals).map(([status, n]) => `${n} ${status}`).join(', ') || 'none'}${problems.length ? `; ${problems.length} row(s) not sent:` : '.'}`);
    for (const p of problems.sort((a, b) => a.row - b.row)) console.log(`  row ${p.row}  ${p.message}`);
    if (problems.some((p) => /failed/.test(p.message))) process.exitCode = 1;
  });

// responses and customers ---------------------------------------------------------------------------------
const responses = program.command('responses').description('responses');
withApi(responses.command('import').description('import answers collected offline from a CSV of any size (sent in parts); prints totals and every rejected row').argument('<file>'))
  .requiredOption('--survey <id>', 'the survey')
  .addOption(new Option('--channel <channel>', 'where the answers were collected').choices(['face-to-face', 'direct-mail']).makeOptionMandatory())
  .action((file: string, options: ApiOptions & { survey: string; channel: string }) =>
    importFile('responses', file, options, `/admin/surveys/${encodeURIComponent(options.survey)}/responses/import?channel=${encodeURIComponent(options.channel)}`),
  );
withApi(responses.command('export').description('every response of a survey to stdout: RFC 4180 CSV (formula-safe) or JSON Lines'))
  .requiredOption('--survey <id>', 'the survey')
  .addOption(new Option('--format <format>').choices(['csv', 'jsonl']).default('csv'))
  .action(async (options: ApiOptions & { survey: string; format: string }) => {
    const api = adminApi(options);
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ format: options.format, ...(cursor && { cursor }) });
      const res = await api.raw(`/admin/surveys/${encodeURIComponent(options.survey)}/responses/export?${query}`);
      process.stdout.write(await res.text());
      cursor = res.headers.get('x-next-cursor');
    } while (cursor);
  });

const customers = program.command('customers').description('customer profiles from CRM data');
withApi(
  customers
    .command('import')
    .description('import profiles (customerId, name, email, phone, segment, lifetimeValue, contractState, contractEndsAt, lastTransactionAt, lastTransactionAmount, accountManager) from a CSV of any size; re-imports update')
    .argument('<file>'),
).action((file: string, options: ApiOptions) => importFile('customers', file, options, '/admin/customers/import'));

withApi(customers.command('erase').description('erase a customer: profile, responses, cases, invitations, conversations and phone mappings; prints the audit record').argument('<customerId>'))
  .option('--yes', 'do not ask (for scripts)')
  .action(async (customerId: string, options: ApiOptions & { yes?: boolean }) => {
    if (!options.yes) {
      if (!process.stdin.isTTY) throw new CliError('Erasure cannot be undone: pass --yes to confirm', 2);
      const { createInterface } = await import('node:readline/promises');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(`Erase customer ${customerId} and everything they gave us? Type the id to confirm: `);
      prompt.close();
      if (answer.trim() !== customerId) throw new CliError('Not confirmed; nothing erased.', 2);
    }
    const audit = await adminApi(options).call('DELETE', `/admin/customers/${encodeURIComponent(customerId)}`);
    console.log(`Erased ${customerId}: ${Object.entries(audit.erased).map(([kind, n]) => `${n} ${kind}`).join(', ')}. Audit ${audit.auditId} (subject ${audit.subject}).`);
  });

/** Rows per request: well under the import routes' limit. */
const IMPORT_CHUNK = 1000;

/** Streams a CSV file to an import route in parts, so files of any size go through the same validation. */
async function importFile(kind: 'responses' | 'customers', file: string, options: ApiOptions, route: string) {
  await checkReadable(file);
  const api = adminApi(options);
  // rejectedRows counts rows (the API's rejectedCount); a row may be listed with several reasons.
  const totals = { received: 0, stored: 0, duplicates: 0, upserted: 0, rejectedRows: 0, unlistedRows: 0, rejected: [] as { row: number; field: string; message: string }[] };
  const shown = progress('rows sent');
  let batch: Row[] = [];
  const send = async () => {
    if (!batch.length) return;
    const report = await api.call('POST', route, { rows: batch });
    totals.received += report.received;
    totals.stored += report.stored ?? 0;
    totals.duplicates += report.duplicates ?? 0;
    totals.upserted += report.upserted ?? 0;
    totals.rejected.push(...report.rejected);
    // The server lists the first rejections of a part and counts every rejected row.
    const listedRows = new Set(report.rejected.map((r: { row: number }) => r.row)).size;
    const rejectedRows = report.rejectedCount ?? listedRows;
    totals.rejectedRows += rejectedRows;
    totals.unlistedRows += Math.max(0, rejectedRows - listedRows);
    shown.update(totals.received);
    batch = [];
  };
  for await (const row of csvRows(file, (line, message) => {
    totals.received += 1;
    totals.rejectedRows += 1;
    totals.rejected.push({ row: line, field: 'row', message });
  })) {
    batch.push(row);
    if (batch.length === IMPORT_CHUNK) await send();
  }
  await send();
  shown.done();
  const rejected = `${totals.rejectedRows} rejected${totals.unlistedRows ? ` (${totals.unlistedRows} of them not listed)` : ''}`;
  console.log(
    kind === 'customers'
      ? `Imported ${file}: ${totals.received} rows, ${totals.upserted} profiles created or updated, ${rejected}.`
      : `Imported ${file}: ${totals.received} rows, ${totals.stored} stored, ${totals.duplicates} already imported, ${rejected}.`,
  );
  for (const r of totals.rejected.sort((a, b) => a.row - b.row)) console.log(`  row ${r.row}  ${r.field}: ${r.message}`);
}

// reports ------------------------------------------------------------------------------------------------
withApi(program.command('reports').description('reports from the aggregates').command('export').description('the aggregate cells of a survey (every counter) to stdout as CSV or JSON Lines'))
  .requiredOption('--survey <id>', 'the survey')
  .option('--from <date>', 'first day, yyyy-mm-dd (default: 89 days before --to)')
  .option('--to <date>', 'last day, yyyy-mm-dd (default: today)')
  .addOption(new Option('--granularity <g>').choices(['day', 'week', 'month']).default('day'))
  .addOption(new Option('--format <format>').choices(['csv', 'jsonl']).default('csv'))
  .action(async (options: ApiOptions & { survey: string; from?: string; to?: string; granularity: string; format: string }) => {
    const query = new URLSearchParams({ surveyId: options.survey, granularity: options.granularity, format: options.format, ...(options.from && { from: options.from }), ...(options.to && { to: options.to }) });
    process.stdout.write(await (await adminApi(options).raw(`/admin/reports/export?${query}`)).text());
  });

// cases --------------------------------------------------------------------------------------------------
const cases = program.command('cases').description('cases opened for bad experiences');
const caseLine = (c: Record<string, any>) => `${c.id}  ${c.status.padEnd(12)} ${c.severity.padEnd(8)} ${c.touchpoint}  ${c.owner}${c.team ? ` (${c.team})` : ''}  opened ${c.createdAt}`;
withApi(cases.command('list').description('cases, newest first, one line each'))
  .option('--status <status>')
  .option('--owner <email>')
  .option('--team <team>')
  .option('--survey <id>')
  .option('--touchpoint <touchpoint>')
  .option('--severity <severity>')
  .option('--limit <n>', '1–100', positiveInt)
  .action(async (options: ApiOptions & Record<string, string | number | undefined>) => {
    const filters = { status: options.status, owner: options.owner, team: options.team, surveyId: options.survey, touchpoint: options.touchpoint, severity: options.severity, limit: options.limit };
    const query = new URLSearchParams(Object.entries(filters).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]])));
    const page = await adminApi(options).call('GET', `/admin/cases?${query}`);
    for (const c of page.items) console.log(caseLine(c));
    console.log(`${page.items.length} case(s)${page.nextCursor ? ' (more: narrow the filter or raise --limit)' : ''}`);
  });
withApi(cases.command('show').description('one case with its history').argument('<caseId>')).action(async (id: string, options: ApiOptions) => {
  const c = await adminApi(options).call('GET', `/admin/cases/${encodeURIComponent(id)}`);
  console.log(caseLine(c));
  for (const h of c.history) console.log(`  ${h.at}  ${h.action}${h.details ? `: ${h.details}` : ''} (${h.by})${h.note ? ` — ${h.note}` : ''}`);
});
for (const [name, action, description] of [
  ['ack', 'acknowledge', 'acknowledge a case'],
  ['note', 'note', 'add a note to a case'],
  ['resolve', 'resolve', 'resolve a case (--resolution CODE)'],
  ['reopen', 'reopen', 'reopen a resolved case'],
] as const) {
  withApi(cases.command(name).description(`${description}; recorded as this API key's action (409 if its status does not allow it)`).argument('<caseId>'))
    .option('--note <text>')
    .option('--resolution <code>')
    .action(async (id: string, options: ApiOptions & { note?: string; resolution?: string }) => {
      const body = { action, ...(options.note && { note: options.note }), ...(options.resolution && { resolution: options.resolution }) };
      console.log(caseLine(await adminApi(options).call('POST', `/admin/cases/${encodeURIComponent(id)}/actions`, body)));
    });
}

withApi(cases.command('assign').description("reassign a case to another owner (and team), with the reason; recorded as this API key's action").argument('<caseId>'))
  .requiredOption('--owner <email>', 'the new owner')
  .option('--team <team>')
  .option('--note <text>', 'why')
  .action(async (id: string, options: ApiOptions & { owner: string; team?: string; note?: string }) => {
    const body = { action: 'assign', owner: options.owner, ...(options.team && { team: options.team }), ...(options.note && { note: options.note }) };
    console.log(caseLine(await adminApi(options).call('POST', `/admin/cases/${encodeURIComponent(id)}/actions`, body)));
  });
withApi(cases.command('escalate').description('escalate a case by hand, one level up (at most 2), to an address, with the reason; the escalation sweep sends the notice').argument('<caseId>'))
  .requiredOption('--to <email>', 'who should step in')
  .requiredOption('--note <text>', 'why')
  .action(async (id: string, options: ApiOptions & { to: string; note: string }) => {
    console.log(caseLine(await adminApi(options).call('POST', `/admin/cases/${encodeURIComponent(id)}/actions`, { action: 'escalate', to: options.to, note: options.note })));
  });

// replay -------------------------------------------------------------------------------------------------
type Parked = { responseId?: string; caseId?: string; surveyId?: string; failure?: { step?: string; message: string; attempts?: number; at: string } };
// A failure's message names its step already (`email: …`).
const parkedLine = (p: Parked) => `  ${p.responseId ? `response ${p.responseId}` : `case ${p.caseId}`}  ${p.failure ? `${p.failure.message} (${p.failure.attempts ?? '?'} attempts, last ${p.failure.at})` : ''}`;
withAws(
  program
    .command('replay')
    .description('finish every response whose scoring or alert did not complete (the stream gave up, a provider was down, the record expired): runs the sweeper now'),
)
  .option('--older-than <seconds>', 'only responses pending at least this long', positiveInt, 0)
  .option('--list', 'only list what is parked (failed too often: left out of the sweeps and escalations), with why')
  .option('--parked', 'put the parked responses and escalation notices back first, then sweep and escalate')
  .option('--function <name>', 'the sweeper function (default: $SWEEPER_FUNCTION, or "sweepPending" locally; in AWS the SweeperFunctionName output)')
  .option('--escalation-function <name>', 'the escalation function, for --list and --parked (default: $ESCALATION_FUNCTION, or "escalateCases" locally; in AWS the EscalationFunctionName output)')
  .action(async (options: { olderThan: number; list?: boolean; parked?: boolean; function?: string; escalationFunction?: string; endpoint?: string; region?: string }) => {
    const lambda = await lambdaClient(options);
    const invoke = (name: string, request: object, what: string) => invokeFunction(lambda, name, request, `The ${what} failed`);
    const sweeper = options.function ?? process.env.SWEEPER_FUNCTION ?? 'sweepPending';
    const escalation = options.escalationFunction ?? process.env.ESCALATION_FUNCTION ?? 'escalateCases';
    if (options.list) {
      const responses = (await invoke(sweeper, { listOnly: true }, 'sweeper')) as { parked: Parked[] };
      const cases = (await invoke(escalation, { listOnly: true }, 'escalation')) as { parked: Parked[] };
      console.log(`Parked: ${responses.parked.length} response(s), ${cases.parked.length} escalation notice(s).`);
      for (const p of [...responses.parked, ...cases.parked]) console.log(parkedLine(p));
      if (responses.parked.length + cases.parked.length) process.exitCode = 1;
      return;
    }
    if (options.parked) {
      const cases = (await invoke(escalation, { retryParked: true }, 'escalation')) as { unparked: number; notices: number };
      console.log(`Escalation: ${cases.unparked} parked notice(s) put back, ${cases.notices} notice(s) sent.`);
    }
    const report = (await invoke(sweeper, { olderThanSeconds: options.olderThan, limit: 1000, retryParked: Boolean(options.parked) }, 'sweeper')) as {
      found: number;
      completed: number;
      superseded: number;
      alerts: number;
      unparked: number;
      parked: Parked[];
      failed: { responseId: string; step: string; message: string; attempts: number; parked?: boolean }[];
    };
    if (options.parked) console.log(`${report.unparked} parked response(s) put back.`);
    console.log(`Replayed ${report.found} pending response(s): ${report.completed} finished, ${report.alerts} alert(s) sent or resumed, ${report.superseded} superseded by newer answers, ${report.failed.length} still failing.`);
    for (const f of report.failed) console.log(`  ${f.responseId}  ${f.message} (attempt ${f.attempts}${f.parked ? ', now parked' : ''})`);
    if (report.parked.length) console.log(`${report.parked.length} response(s) parked: npm run cli -- replay --list shows why.`);
    if (report.failed.length || report.parked.length) process.exitCode = 1;
  });

// aggregates ---------------------------------------------------------------------------------------------
const aggregates = program.command('aggregates').description("check a survey's aggregate cells against its stored responses, and repair them");
for (const action of ['verify', 'rebuild'] as const) {
  withAws(
    aggregates
      .command(action)
      .description(
        action === 'verify'
          ? 'recompute the cells of a range from the stored responses and print every counter that differs (exit 1 when any does)'
          : 'rewrite the cells of a range from the stored responses, while answers keep arriving (run it after upgrading, or when verify finds drift)',
      ),
  )
    .requiredOption('--survey <id>', 'the survey')
    .option('--from <day>', 'first day, yyyy-mm-dd (default: 89 days before --to); whole weeks and months around the range are read')
    .option('--to <day>', 'last day, yyyy-mm-dd (default: today)')
    .option('--settle <seconds>', 'rebuild: how long to let the responses index and the stream catch up', positiveInt)
    .option('--function <name>', 'the maintenance function (default: $AGGREGATES_FUNCTION, or "aggregateMaintenance" locally; in AWS the AggregatesFunctionName output)')
    .action(async (options: { survey: string; from?: string; to?: string; settle?: number; function?: string; endpoint?: string; region?: string }) => {
      const functionName = options.function ?? process.env.AGGREGATES_FUNCTION ?? 'aggregateMaintenance';
      const request = { action, surveyId: options.survey, from: options.from, to: options.to, ...(options.settle !== undefined && { settleSeconds: options.settle }) };
      const report = (await invokeFunction(await lambdaClient(options), functionName, request, `The ${action} failed`)) as { range: { from: string; to: string }; read: { from: string; to: string }; responses: number; cells: number; differences: { cell: string; counter: string; stored: number; expected: number }[]; heldSince?: string; rewritten?: number; journaled?: number };
      console.log(`Survey ${options.survey}, ${report.range.from}..${report.range.to} (responses read ${report.read.from}..${report.read.to}): ${report.responses} response(s), ${report.cells} cell(s), ${report.differences.length} difference(s).`);
      for (const d of report.differences.slice(0, 500)) console.log(`  ${d.cell}  ${d.counter}: stored ${d.stored}, expected ${d.expected}`);
      if (report.differences.length > 500) console.log(`  … and ${report.differences.length - 500} more`);
      if (action === 'rebuild') console.log(`Rebuilt: ${report.rewritten} cell(s) rewritten; ${report.journaled} change(s) that arrived meanwhile added after.`);
      else {
        if (report.heldSince) console.log(`A rebuild holds this survey's cells since ${report.heldSince}: run rebuild again to finish it.`);
        if (report.differences.length) process.exitCode = 1;
      }
    });
}

addCommentCommands(program, surveys, withApi, withAws);
addDestinationCommands(program, withApi);
addMetricCommands(program, withAws);
addDigestCommands(program, withAws);

program.parseAsync(process.argv).catch((error: unknown) => {
  // A file that went missing or unreadable after the checks is still a usage error, in one line.
  const failure = isFileError(error) && error.path ? unreadable(error.path, error) : error;
  console.error(failure instanceof CliError ? failure.message : `Failed: ${failure instanceof Error ? failure.message : failure}`);
  process.exit(failure instanceof CliError ? failure.exitCode : 1);
});
