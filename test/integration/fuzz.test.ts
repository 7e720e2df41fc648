import { DynamoDBClient, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import type { LocalRuntime } from '../../local/runtime';
import { twilioSignature, vonageJwt } from '../../local/signing';
import { caseLinkToken } from '../../lambdas/domain/kernel/tokens';
import { apiClient, eventually, sentEmails, startTestRuntime, surveyInput } from './support';

jest.setTimeout(300_000);

/**
 * Property-based fuzzing of every public route, every provider webhook, the admin routes (with a valid key)
 * and the Amazon Connect invocation, over real HTTP on the real emulators: random JSON, prototype keys,
 * wrong types for known fields, full unicode, control characters, huge bodies, odd content types, bad
 * percent-encoding, random query strings, unsigned and validly signed webhooks.
 *
 * Properties, checked on every case:
 * - never a 5xx (nor a Lambda function error on the Invoke path);
 * - every 4xx to a client that did not ask for HTML is `{error:{code,message,details:[{field,message}]}}`;
 * - no secret (admin key, TOKEN_SECRET, TWILIO_AUTH_TOKEN, VONAGE_SIGNATURE_SECRET) in a body or header;
 * - a refused case (4xx, or stored=false on Connect) stores no RESPONSE#/CONVERSATION# item (tracked per
 *   case against a snapshot of the table), and every ALERT# belongs to a stored response;
 * - after the run, every stored response is scored by the stream, none carries `processingFailure`,
 *   every ALERT# belongs to a stored response and nothing is left pending.
 */
let runtime: LocalRuntime;
let db: DynamoDBClient;
let surveyId: string;
let secrets: string[];
/** Real tokens, so that the handlers behind /r, /u and /c get past the signature check and parse the body. */
const tokens: { r: string[]; u: string[]; c: string[] } = { r: [], u: [], c: [] };
const cases: Record<string, number> = {};
const failures: Record<string, number> = {};
/** Status codes seen by the property that is running, for its summary line. */
let statuses: Record<number, number> = {};
/** Requests sent by the property that is running (one case is one request, except where a case tries every route). */
let sent = 0;

beforeAll(async () => {
  runtime = await startTestRuntime();
  db = new DynamoDBClient({ endpoint: runtime.dynamodbUrl });
  const created = await apiClient(runtime)('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) });
  surveyId = created.body.id;
  secrets = [runtime.adminKey, runtime.env.TOKEN_SECRET, runtime.env.TWILIO_AUTH_TOKEN, runtime.env.VONAGE_SIGNATURE_SECRET].filter((s) => s && s.length >= 8);
  expect(secrets).toHaveLength(4);
  const contacts = [1, 2, 3, 4, 5, 6].map((n) => ({ email: `fuzz-${n}@example.com`, name: `Fuzz ${n}`, customerId: `fuzz-${n}` }));
  const invited = await apiClient(runtime)(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts }) });
  expect(invited.status).toBe(202);
  const mails = await eventually(async () => {
    const found = (await sentEmails(runtime)).filter((m) => contacts.some((c) => m.destination.to.includes(c.email)));
    return found.length === contacts.length && found;
  }, 'the invitation e-mails');
  for (const mail of mails) {
    const text = `${mail.body.text ?? ''} ${mail.body.html ?? ''}`;
    for (const kind of ['r', 'u'] as const) {
      const token = new RegExp(`/${kind}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`).exec(text)?.[1];
      if (token) tokens[kind].push(token);
    }
  }
  expect(tokens.r.length).toBeGreaterThan(0);
  expect(tokens.u.length).toBeGreaterThan(0);
  tokens.c.push(caseLinkToken(runtime.env.TOKEN_SECRET, { caseId: 'no-such-case', owner: 'lead@example.com', expiresAt: Math.floor(Date.now() / 1000) + 3600 }));
});
afterAll(async () => {
  const total = Object.values(cases).reduce((a, b) => a + b, 0);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} cases, ${failed} failures (${Object.entries(cases).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  db?.destroy();
  await runtime?.stop();
});

/** Runs one property, counting its cases; prints a one-line summary (fast-check prints seed and counterexample on failure). */
async function check<T>(name: string, numRuns: number, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, seed?: number) {
  let ran = 0;
  const started = Date.now();
  statuses = {};
  sent = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (value) => {
        ran++;
        await predicate(value);
      }),
      { numRuns, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false, ...(seed !== undefined && { seed }) },
    );
  } catch (error) {
    failures[name] = (failures[name] ?? 0) + 1;
    throw error;
  } finally {
    cases[name] = (cases[name] ?? 0) + sent;
    const seen = Object.entries(statuses).map(([status, n]) => `${status}×${n}`).join(' ');
    console.log(`fuzz[${name}]: ${sent} cases (${ran} runs), ${failures[name] ?? 0} failures, ${Date.now() - started} ms (${seen})`);
  }
}

interface Sent {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}
interface Request {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

async function send(path: string, init: Request = {}): Promise<Sent> {
  const res = await fetch(runtime.apiUrl + path, { method: init.method ?? 'POST', body: init.body, headers: init.headers, redirect: 'manual' });
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  sent++;
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** What every answer must satisfy, whatever was sent. */
function expectSafe(what: string, req: Request, res: Sent) {
  expect({ what, status: res.status, fiveHundred: res.status >= 500 }).toEqual({ what, status: res.status, fiveHundred: false });
  const everything = res.text + '\n' + [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const secret of secrets) expect({ what, echoesSecret: everything.includes(secret) }).toEqual({ what, echoesSecret: false });
  const html = Object.entries(req.headers ?? {}).some(([k, v]) => k.toLowerCase() === 'accept' && v.includes('text/html'));
  if (res.status >= 400 && !html) {
    expect({ what, status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ what, status: res.status, type: 'application/json' });
    let body: any;
    try {
      body = JSON.parse(res.text);
    } catch {
      body = res.text;
    }
    expect({ what, error: body?.error }).toEqual({ what, error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
    for (const d of body.error.details) expect({ what, detail: d }).toEqual({ what, detail: { field: expect.any(String), message: expect.any(String) } });
  }
}

// ---------------------------------------------------------------------------------------------------------
// What is stored: RESPONSE#, CONVERSATION# and ALERT# keys, compared per case against a snapshot.

const COUNTED = /^(RESPONSE|CONVERSATION|ALERT)#/;
async function storedKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: runtime.env.TABLE_NAME, ProjectionExpression: 'pk', ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) if (COUNTED.test(item.pk.S!)) keys.add(item.pk.S!);
    start = page.LastEvaluatedKey;
  } while (start);
  return keys;
}
async function scanAll(): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: runtime.env.TABLE_NAME, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

let snapshot: Set<string> | undefined;
/**
 * Sends one case and, if it was refused, checks that it stored nothing. An accepted case may store (and the
 * stream may then open an ALERT# for it a little later), so after one the snapshot is taken afresh before the
 * next case; new ALERT# keys are tolerated only for responses already in the snapshot.
 */
async function tracked(what: string, path: string, req: Request, refused: (res: Sent) => boolean = (res) => res.status >= 400): Promise<Sent> {
  snapshot ??= await storedKeys();
  const res = await send(path, req);
  expectSafe(what, req, res);
  if (refused(res)) {
    const now = await storedKeys();
    // ALERT# items the stream opens late for earlier accepted responses are checked at the end (each must belong to a stored response).
    const added = [...now].filter((k) => !snapshot!.has(k) && !k.startsWith('ALERT#'));
    expect({ what, status: res.status, stored: added }).toEqual({ what, status: res.status, stored: [] });
    snapshot = now;
  } else {
    snapshot = undefined;
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries.

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'toString', 'hasOwnProperty', 'a.b', '\u0000', 'x'.repeat(200), 'ключ');
const fieldKey = fc.oneof({ weight: 2, arbitrary: protoKey }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
const control = fc.string({ unit: fc.constantFrom('\n', '\r', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029', '\t', '\v', '\f'), minLength: 1, maxLength: 4 });
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }), // full unicode, astral planes included
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.tuple(fc.string({ maxLength: 8 }), control, fc.string({ maxLength: 8 })).map(([a, c, b]) => a + c + b),
  fc.constantFrom('c-1\nNPS: 10', '<script>alert(1)</script>', '=cmd|" /C calc"!A0', '\uD800', '\uDFFF', '%ZZ', '%E0%A4%A', '${7*7}', '../../etc/passwd', 'x'.repeat(3000), ''),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  nastyString,
  fc.anything({ maxDepth: 2, key: fieldKey, withNullPrototype: true }),
  fc.object({ key: fieldKey, maxDepth: 2, maxKeys: 4 }),
);
const answers = fc.oneof(
  fc.dictionary(fc.oneof(fieldKey, fc.constantFrom('nps', 'csat', 'effort', 'resolved', 'reason', 'comment')), anyValue, { maxKeys: 6 }),
  fc.record({ nps: fc.oneof(fc.integer({ min: -3, max: 13 }), fc.double(), anyValue), comment: nastyString }, { requiredKeys: [] }),
  anyValue,
);
/** Close to valid, so that many are accepted and the stream has work: a score, a comment, an odd customer id. */
const plausible = fc.record(
  {
    surveyId: fc.constantFrom('SURVEY', 'demo'),
    answers: fc.record({ nps: fc.integer({ min: 0, max: 10 }), csat: fc.integer({ min: 1, max: 5 }), comment: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), nastyString) }, { requiredKeys: ['nps'] }),
    customerId: fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) }, { weight: 1, arbitrary: nastyString }),
    touchpoint: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('delivery', 'support-call', 'Delivery', 'a-b') }, { weight: 1, arbitrary: nastyString }),
    attributes: fc.dictionary(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('order', 'store', 'ключ', '😀') }, { weight: 1, arbitrary: fieldKey }), fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['surveyId', 'answers'] },
);
/** Wrong types for every known field. */
const hostile = fc.record(
  {
    surveyId: fc.oneof(fc.constant('SURVEY'), nastyString, anyValue),
    answers,
    customerId: fc.oneof(nastyString, anyValue),
    touchpoint: fc.oneof(nastyString, anyValue),
    attributes: fc.oneof(fc.dictionary(fieldKey, anyValue, { maxKeys: 4 }), anyValue),
    contacts: anyValue,
  },
  { requiredKeys: [] },
);
const toJson = (value: unknown) => {
  try {
    return JSON.stringify(value, (_k, v) => (v === 'SURVEY' ? surveyId : typeof v === 'bigint' ? String(v) : v)) ?? 'null';
  } catch {
    return '{}';
  }
};
/** A JSON object text with a prototype key written literally, which JSON.stringify of an object literal would not produce. */
const literalProtoJson = fc.tuple(protoKey, fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('SURVEY', 'demo')).map(
  ([key, value, id]) => `{"surveyId":${JSON.stringify(id === 'SURVEY' ? surveyId : id)},"answers":{"nps":5,${JSON.stringify(key)}:${JSON.stringify(value)}},"attributes":{${JSON.stringify(key)}:"x"},"${key === '' ? '' : '__proto__'}":{"admin":true}}`,
);
const form = fc.dictionary(fc.oneof(fc.constantFrom('surveyId', 'nps', 'csat', 'comment', 'score', 'customerId', 'note', 'action'), fieldKey), nastyString, { maxKeys: 6 });
/** A body: JSON of a structure, random JSON text, a literal prototype key, a random form, raw unicode, or nothing. */
const body = (structure: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: structure.map(toJson) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 1, arbitrary: literalProtoJson },
    { weight: 2, arbitrary: form.map((f) => new URLSearchParams(f as Record<string, string>).toString()) },
    { weight: 1, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.constant('') },
  );
const contentType = fc.constantFrom(
  'application/json',
  'Application/JSON',
  'APPLICATION/JSON; Charset=UTF-8',
  ' application/json ',
  'application/vnd.api+json',
  'application/json; charset=latin1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'Application/X-WWW-Form-URLEncoded; charset=utf-8',
  'multipart/form-data; boundary=x',
  'text/csv',
  '',
);
const accept = fc.constantFrom('', '', 'application/json', '*/*', 'text/html', 'text/html,application/xhtml+xml');
const headers = (type: string, acc: string, extra: Record<string, string> = {}) => ({ ...(type && { 'content-type': type }), ...(acc && { accept: acc }), ...extra });

/** Path segments: bad percent-encoding, every byte percent-encoded, raw unicode, dots, empty-ish. */
const encodeBytes = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('').slice(0, 600) || 'x';
const segment = fc.oneof(
  fc.constantFrom('%ZZ', '%E0%A4%A', '%', '%%', '%00', '%2F..%2F', '..', '%2e%2e', '%F0%9F%98%80', '%C0%AF', '%FF%FE', 'demo', 'SURVEY', '__proto__', 'constructor', '%5F%5Fproto%5F%5F', 'x'.repeat(2000)),
  fc.string({ minLength: 1, maxLength: 20 }).map(encodeBytes),
  nastyString.map(encodeBytes),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).map((s) => s.replace(/[/?#]/g, '_')),
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('%ZZ', '%E0%A4%A', '%')).map(([a, b]) => encodeURIComponent(a) + b),
);
const withSurvey = (seg: string) => (seg === 'SURVEY' ? surveyId : seg);
/** `TOKEN` stands for one of the real tokens of the route (`/r/`, `/u/`, `/c/`). */
const withToken = (prefix: string, seg: string) => {
  const real = tokens[prefix.slice(1, 2) as 'r' | 'u' | 'c'];
  return seg === 'TOKEN' && real?.length ? real[Math.floor(Math.random() * real.length)] : seg;
};
const queryPart = fc.oneof(fc.string({ maxLength: 10 }).map(encodeURIComponent), fc.constantFrom('%ZZ', '%E0%A4%A', '', '-1', '0', '11', '1e999', 'NaN', '__proto__', '[]', 'true'), nastyString.map(encodeBytes));
const queryKey = fc.oneof(fc.constantFrom('score', 'surveyId', 'limit', 'cursor', 'status', 'step', 'channel', 'from', 'to', 'owner', 'severity', '__proto__', ''), queryPart);
const query = fc.oneof(
  fc.constant(''),
  fc.array(fc.tuple(queryKey, queryPart), { minLength: 1, maxLength: 4 }).map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  fc.constantFrom('?', '?&&', '?=', '?score=5', '?score=%ZZ', '?limit=-1&cursor=%ZZ', '?surveyId=demo&limit=1000000', '?cursor=eyJwayI6eyJTIjoieCJ9fQ'),
);

// ---------------------------------------------------------------------------------------------------------

describe('fuzz', () => {
  it('POST /responses: never a 5xx, refusals in the error shape, exactly the accepted responses stored', async () => {
    const accepted = new Set<string>();
    await check(
      'POST /responses',
      150,
      fc.record({ text: fc.oneof({ weight: 3, arbitrary: plausible.map(toJson) }, { weight: 4, arbitrary: body(fc.oneof(plausible, hostile)) }), type: fc.oneof({ weight: 2, arbitrary: fc.constantFrom('application/json', 'Application/JSON', 'APPLICATION/JSON; Charset=UTF-8', '') }, { weight: 3, arbitrary: contentType }), acc: accept, key: fc.option(nastyString.map((s) => `fuzz-${Math.random()}-${Buffer.from(s).toString('base64url').slice(0, 40)}`)), q: query }),
      async ({ text, type, acc, key, q }) => {
        const res = await tracked('POST /responses', '/responses' + q, { body: text, headers: headers(type, acc, key ? { 'idempotency-key': key } : {}) });
        if (res.status === 202) accepted.add(JSON.parse(res.text).id);
      },
    );
    const stored = (await scanAll()).filter((i) => String(i.pk).startsWith('RESPONSE#') && i.channel === 'web');
    expect(accepted.size).toBeGreaterThan(0);
    expect(stored.map((r) => r.id).sort()).toEqual([...accepted].sort());
  });

  it('public GET routes with random segments, bad percent-encoding and random queries', async () => {
    await check(
      'public GET',
      120,
      fc.record({ prefix: fc.constantFrom('/health', '/s/', '/r/', '/u/', '/c/'), seg: fc.oneof({ weight: 3, arbitrary: segment }, { weight: 1, arbitrary: fc.constant('TOKEN') }), q: query, acc: accept }),
      async ({ prefix, seg, q, acc }) => {
        const path = prefix === '/health' ? prefix + q : prefix + withToken(prefix, withSurvey(seg)) + q;
        await tracked(`GET ${prefix}`, path, { method: 'GET', headers: headers('', acc) });
      },
    );
  });

  it('public POST routes (e-mail links, unsubscribe, case page) with random tokens and bodies', async () => {
    await check(
      'public POST',
      100,
      fc.record({ prefix: fc.constantFrom('/r/', '/u/', '/c/'), seg: fc.oneof(segment, fc.constant('eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), fc.constant('TOKEN'), fc.constant('TOKEN')), q: query, text: body(fc.oneof(hostile, plausible)), type: contentType, acc: accept }),
      async ({ prefix, seg, q, text, type, acc }) => {
        await tracked(`POST ${prefix}`, prefix + withToken(prefix, seg) + q, { body: text, headers: headers(type, acc) });
      },
    );
  });

  it('admin routes with a valid key: random segments, queries and bodies', async () => {
    const contact = fc.record({ email: anyValue, phone: anyValue, customerId: anyValue, name: anyValue, attributes: anyValue, id: anyValue }, { requiredKeys: [] });
    const adminBody = fc.record(
      {
        name: anyValue,
        touchpoint: anyValue,
        ownerEmail: anyValue,
        questions: fc.oneof(anyValue, fc.array(fc.record({ id: fc.oneof(fieldKey, anyValue), type: fc.oneof(fc.constantFrom('nps', 'csat', 'ces', 'text', 'choice'), anyValue), text: anyValue, options: anyValue }, { requiredKeys: [] }), { maxLength: 3 })),
        contacts: fc.oneof(fc.array(contact, { maxLength: 3 }), anyValue),
        surveyId: anyValue,
        alert: anyValue,
        rules: anyValue,
        action: fc.oneof(fc.constantFrom('assign', 'acknowledge', 'note', 'resolve'), anyValue),
        rows: anyValue,
        answers,
        customerId: anyValue,
        attributes: anyValue,
      },
      { requiredKeys: [] },
    );
    const csv = fc.array(fc.array(nastyString, { maxLength: 5 }).map((cells) => cells.join(',')), { maxLength: 5 }).map((rows) => ['customerId,nps,comment', ...rows].join('\n'));
    const route = fc.constantFrom(
      'GET /admin/surveys/{s}',
      'GET /admin/responses',
      'GET /admin/responses/{s}',
      'GET /admin/surveys/{s}/alert-rules',
      'GET /admin/settings/contact-fatigue',
      'GET /admin/cases',
      'GET /admin/alerts',
      'GET /admin/cases/{s}',
      'POST /admin/surveys',
      'POST /admin/surveys/{s}/invitations',
      'POST /admin/surveys/{s}/sms-invitations',
      'PUT /admin/surveys/{s}/alert-rules',
      'POST /admin/surveys/{s}/responses/import',
      'PUT /admin/settings/contact-fatigue',
      'POST /admin/cases/{s}/actions',
      'PUT /admin/phone-numbers/{s}',
    );
    await check(
      'admin',
      150,
      fc.record({ route, seg: fc.oneof(fc.constantFrom('SURVEY', 'demo', '%2B14155550100'), segment), q: query, text: fc.oneof(body(adminBody), csv), type: contentType, acc: accept }),
      async ({ route, seg, q, text, type, acc }) => {
        const [method, template] = route.split(' ');
        const path = template.replace('{s}', withSurvey(seg)) + q;
        await tracked(route, path, { method, body: method === 'GET' ? undefined : text, headers: headers(type, acc, { 'x-api-key': runtime.adminKey }) });
      },
    );
  });

  it('offline import: random CSV and JSON rows; exactly the rows reported as stored are stored', async () => {
    const column = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('nps', 'csat', 'effort', 'resolved', 'reason', 'comment', 'customerId', 'touchpoint', 'id', 'submittedAt', 'mode') }, { weight: 1, arbitrary: fieldKey });
    const cell = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('0', '3', '10', '11', '-1', '4.5', 'yes', 'speed', '', 'c-1', '2026-11-01T10:00:00Z', 'not a date', 'id-1') },
      { weight: 2, arbitrary: nastyString },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(',', '"', '\n', '\r', 'a', ' ', '\uFEFF'), maxLength: 8 }) },
    );
    const quote = (v: string) => (/[",\r\n]/.test(v) && Math.random() < 0.8 ? `"${v.replace(/"/g, '""')}"` : v);
    const csv = fc.tuple(fc.uniqueArray(column, { minLength: 1, maxLength: 6 }), fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean()).map(
      ([header, rows, eol, bom]) => (bom ? '\uFEFF' : '') + [header.map(quote).join(','), ...rows.map((r) => r.map(quote).join(','))].join(eol),
    );
    const jsonRows = fc.oneof(
      fc.record({ rows: fc.array(fc.record({ row: fc.oneof(fc.integer({ min: 1, max: 9 }), anyValue), fields: fc.oneof(fc.dictionary(column, cell, { maxKeys: 5 }), anyValue) }, { requiredKeys: [] }), { maxLength: 4 }) }, { requiredKeys: [] }),
      anyValue,
    ).map(toJson);
    const channel = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('face-to-face', 'direct-mail') }, { weight: 1, arbitrary: fc.constantFrom('Face-To-Face', 'web', '', '%ZZ', '__proto__') });
    await check(
      'import',
      80,
      fc.record({ seg: fc.constantFrom('SURVEY', 'SURVEY', 'demo', 'no-such-survey', '%ZZ'), channel, csv: fc.boolean(), csvText: csv, jsonText: jsonRows, odd: fc.constantFrom('text/plain', '', 'Application/JSON', 'Text/CSV; charset=utf-8') }),
      async ({ seg, channel, csv: asCsv, csvText, jsonText, odd }) => {
        const type = Math.random() < 0.8 ? (asCsv ? 'text/csv' : 'application/json') : odd;
        const before = await storedKeys();
        const path = `/admin/surveys/${withSurvey(seg)}/responses/import?channel=${channel}`;
        const res = await tracked('POST import', path, { body: asCsv ? csvText : jsonText, headers: headers(type, '', { 'x-api-key': runtime.adminKey }) });
        if (res.status === 200) {
          const report = JSON.parse(res.text);
          const added = [...(await storedKeys())].filter((k) => k.startsWith('RESPONSE#') && !before.has(k));
          expect({ path, reportedStored: report.stored, actuallyStored: added.length }).toEqual({ path, reportedStored: added.length, actuallyStored: added.length });
        }
      },
    );
  });

  it('bodies over 64 KB get 413 on every body-reading route, signed webhooks included', async () => {
    const huge = fc.record({ size: fc.integer({ min: 64 * 1024 + 1, max: 70 * 1024 }), fill: fc.constantFrom('x', 'é', '😀', '\u0000', '"'), prefix: nastyString });
    const routes = [
      'POST /responses',
      'POST /r/x',
      'POST /u/x',
      'POST /c/x',
      `POST /r/${tokens.r[0]}`,
      `POST /u/${tokens.u[0]}`,
      `POST /c/${tokens.c[0]}`,
      'POST /admin/surveys',
      'POST /admin/surveys/demo/invitations',
      'POST /admin/surveys/demo/sms-invitations',
      'PUT /admin/surveys/demo/alert-rules',
      'PUT /admin/settings/contact-fatigue',
      'POST /admin/cases/x/actions',
      'PUT /admin/phone-numbers/%2B14155550100',
      'POST /webhooks/twilio/voice',
      'POST /webhooks/twilio/voice/status',
      'POST /webhooks/twilio/sms',
      'POST /webhooks/vonage/answer',
      'POST /webhooks/vonage/input',
      'POST /webhooks/vonage/event',
    ];
    const seed = Date.now() % 2 ** 31;
    const mismatches = new Map<string, { status: number; size: number; type: string }>();
    const type = fc.constantFrom('application/json', 'Application/JSON', 'text/plain', 'application/x-www-form-urlencoded', '');
    await check('over 64 KB', 6, fc.record({ huge, type }), async ({ huge: { size, fill, prefix }, type }) => {
      for (const route of routes) {
        const [method, path] = route.split(' ');
        const filler = prefix + fill.repeat(Math.ceil(Math.max(0, size - Buffer.byteLength(prefix)) / Buffer.byteLength(fill)));
        const req: { method: string; body: string; headers: Record<string, string> } = { method, body: '', headers: headers(type, '') };
        if (path.startsWith('/webhooks/twilio')) {
          const params = { CallSid: 'CA' + '0'.repeat(32), From: '+14155550100', To: runtime.demoPhoneNumber, Body: filler };
          req.body = new URLSearchParams(params).toString();
          req.headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, runtime.apiUrl + path, params) };
        } else if (path.startsWith('/webhooks/vonage')) {
          req.body = JSON.stringify({ uuid: 'u-1', from: '14155550100', to: '14155550199', speech: { results: [{ text: filler }] } });
          req.headers = { 'content-type': 'application/json', authorization: `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, req.body)}` };
        } else {
          req.body = type.toLowerCase().includes('form') ? new URLSearchParams({ surveyId: 'demo', nps: '3', comment: filler }).toString() : JSON.stringify({ surveyId: 'demo', answers: { nps: 3, comment: filler } });
          if (path.startsWith('/admin')) req.headers['x-api-key'] = runtime.adminKey;
        }
        const res = await tracked(route, path, req);
        // Every route is tried (a failing one does not end the run): the mismatches are listed together below.
        const label = route.replace(/\/(r|u|c)\/[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+$/, '/$1/{signed token}').replace(/\/(r|u|c)\/x$/, '/$1/{malformed token}');
        if (res.status !== 413 && !mismatches.has(label)) mismatches.set(label, { status: res.status, size: Buffer.byteLength(req.body), type: req.headers['content-type'] ?? '' });
      }
    }, seed);
    if (mismatches.size) {
      failures['over 64 KB'] = mismatches.size;
      console.log(`fuzz[over 64 KB]: ${mismatches.size} routes answered other than 413: ${[...mismatches.keys()].join(', ')}`);
    }
    expect({ seed, notRefusedWith413: Object.fromEntries(mismatches) }).toEqual({ seed, notRefusedWith413: {} });
  });

  it('provider webhooks: unsigned, badly signed or tampered requests get 403 and store nothing', async () => {
    const route = fc.constantFrom(
      'POST /webhooks/twilio/voice',
      'POST /webhooks/twilio/voice/status',
      'POST /webhooks/twilio/sms',
      'GET /webhooks/vonage/answer',
      'POST /webhooks/vonage/answer',
      'POST /webhooks/vonage/input',
      'POST /webhooks/vonage/event',
    );
    const twilioForm = fc.dictionary(fc.oneof(fc.constantFrom('CallSid', 'MessageSid', 'From', 'To', 'Body', 'Digits', 'SpeechResult', 'CallStatus'), fieldKey), nastyString, { maxKeys: 6 });
    const signature = fc.constantFrom('none', 'garbage', 'wrong-secret', 'other-url', 'tampered-body', 'stale', 'empty', 'swapped');
    await check('webhooks refused', 120, fc.record({ route, params: twilioForm, signature, q: query, garbage: nastyString }), async ({ route, params, signature, q, garbage }) => {
      const [method, path] = route.split(' ');
      const vonage = path.includes('vonage');
      const url = runtime.apiUrl + path + q;
      const text = vonage ? toJson(params) : new URLSearchParams(params).toString();
      const h: Record<string, string> = { 'content-type': vonage ? 'application/json' : 'application/x-www-form-urlencoded' };
      const signedBody = method === 'GET' ? '' : text;
      switch (signature) {
        case 'none':
          break;
        case 'empty':
          h[vonage ? 'authorization' : 'x-twilio-signature'] = vonage ? 'Bearer ' : '';
          break;
        case 'garbage':
          h[vonage ? 'authorization' : 'x-twilio-signature'] = vonage ? `Bearer a.b.${Buffer.from(garbage).toString('base64url')}` : Buffer.from(garbage).toString('base64') || 'AAAA';
          break;
        case 'wrong-secret':
          if (vonage) h.authorization = `Bearer ${vonageJwt('not-the-secret', signedBody)}`;
          else h['x-twilio-signature'] = twilioSignature('not-the-token', url, params);
          break;
        case 'other-url':
          if (vonage) h.authorization = `Bearer ${vonageJwt(runtime.env.TWILIO_AUTH_TOKEN, signedBody)}`;
          else h['x-twilio-signature'] = twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url + 'x', params);
          break;
        case 'tampered-body':
          if (vonage) h.authorization = `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, signedBody + ' ')}`;
          else h['x-twilio-signature'] = twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, { ...params, Tampered: '1' });
          break;
        case 'stale':
          if (vonage) h.authorization = `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, signedBody, new Date(Date.now() - 24 * 3600_000))}`;
          else h['x-twilio-signature'] = twilioSignature(runtime.env.TOKEN_SECRET, url, params);
          break;
        case 'swapped':
          if (vonage) h['x-twilio-signature'] = twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, params);
          else h.authorization = `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, text)}`;
          break;
      }
      const res = await tracked(`${route} (${signature})`, path + q, { method, body: method === 'GET' ? undefined : text, headers: h });
      expect({ route, signature, status: res.status }).toEqual({ route, signature, status: 403 });
    });
  });

  it('Twilio webhooks signed with the real token: random form fields are parsed without a 5xx', async () => {
    const sid = fc.oneof(fc.constantFrom('CA' + 'a'.repeat(32), 'SM' + 'b'.repeat(32)), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }).map((h) => 'CA' + h), nastyString);
    const fields = fc.record(
      {
        CallSid: sid,
        MessageSid: sid,
        AccountSid: fc.oneof(fc.constant('LOCAL'), nastyString),
        From: fc.oneof(fc.constantFrom('+14155550100', '+1415555010'), nastyString),
        To: fc.oneof(fc.constant('DEMO'), nastyString),
        Body: fc.oneof(fc.constantFrom('3', '10', 'STOP', 'ten', 'minus three', 'eleven out of ten', '9 great service'), nastyString),
        Digits: fc.oneof(fc.constantFrom('0', '5', '10', '#', '*', '99'), nastyString),
        SpeechResult: fc.oneof(fc.constantFrom('two', 'to', 'for', 'oh', 'Seven.'), nastyString),
        Confidence: fc.oneof(fc.constantFrom('0.9', 'NaN', '-1'), nastyString),
        CallStatus: fc.oneof(fc.constantFrom('in-progress', 'completed', 'busy', 'failed', 'no-answer'), nastyString),
      },
      { requiredKeys: [] },
    );
    const extra = fc.dictionary(fieldKey, nastyString, { maxKeys: 3 });
    const path = fc.oneof(
      fc.constantFrom('/webhooks/twilio/voice', '/webhooks/twilio/voice/status', '/webhooks/twilio/sms'),
      query.map((q) => '/webhooks/twilio/voice' + q),
      fc.tuple(fc.constantFrom('0', '1', '2', '0.0', '-1', '99', '%ZZ', '1e9', 'NaN', '__proto__'), fc.constantFrom('', '&attempt=1', '&attempt=%ZZ', '&step=1')).map(([s, more]) => `/webhooks/twilio/voice?step=${s}${more}`),
    );
    await check('twilio signed', 100, fc.record({ path, fields, extra, type: fc.constantFrom('application/x-www-form-urlencoded', 'Application/X-WWW-Form-URLEncoded; charset=UTF-8') }), async ({ path, fields, extra, type }) => {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...extra, ...fields })) params[k] = v === 'LOCAL' ? runtime.env.TWILIO_ACCOUNT_SID ?? v : v === 'DEMO' ? runtime.demoPhoneNumber : String(v);
      // Twilio signs the URL as it requests it, i.e. percent-encoded as fetch sends it.
      const signatureUrl = new URL(runtime.apiUrl + path).href;
      const res = await tracked(`POST ${path} (signed)`, path, { body: new URLSearchParams(params).toString(), headers: { 'content-type': type, 'x-twilio-signature': twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, signatureUrl, params) } });
      // A validly signed request is never refused as unsigned.
      // (A bare trailing `?` is invisible to API Gateway, so a URL signed with one cannot be reconstructed.)
      if (!path.endsWith('?')) expect({ path, params, status: res.status, body: res.status === 403 ? res.text : '' }).not.toEqual(expect.objectContaining({ status: 403 }));
    });
  });

  it('Vonage webhooks signed with the real secret: random JSON bodies and queries are parsed without a 5xx', async () => {
    const vonageBody = fc.oneof(
      anyValue,
      fc.record(
        {
          uuid: fc.oneof(fc.uuid(), nastyString, anyValue),
          conversation_uuid: fc.oneof(fc.uuid(), anyValue),
          from: fc.oneof(fc.constantFrom('14155550100', '+14155550100'), nastyString, anyValue),
          to: fc.oneof(fc.constant('DEMO'), nastyString, anyValue),
          // Objects whose toString is not a function once gave a 500 (String() on them throws).
          status: fc.oneof(fc.constantFrom('started', 'ringing', 'answered', 'completed', 'failed'), fc.constant({ toString: 0 }), anyValue),
          dtmf: fc.oneof(fc.record({ digits: fc.oneof(fc.constantFrom('3', '10', '#'), nastyString, anyValue), timed_out: fc.boolean() }, { requiredKeys: [] }), anyValue),
          speech: fc.oneof(fc.record({ results: fc.oneof(fc.array(fc.record({ text: fc.oneof(nastyString, anyValue), confidence: anyValue }, { requiredKeys: [] }), { maxLength: 2 }), anyValue) }, { requiredKeys: [] }), anyValue),
        },
        { requiredKeys: [] },
      ),
    );
    const route = fc.oneof(
      fc.constantFrom('POST /webhooks/vonage/answer', 'POST /webhooks/vonage/event', 'GET /webhooks/vonage/answer', 'POST /webhooks/vonage/input'),
      fc.tuple(fc.constantFrom('0', '1', '0.0', '-1', '%ZZ', 'NaN', '__proto__', ''), query).map(([s, q]) => `POST /webhooks/vonage/input?step=${s}${q.replace('?', '&')}`),
      query.map((q) => `GET /webhooks/vonage/answer${q}`),
    );
    await check('vonage signed', 100, fc.record({ route, value: vonageBody, type: fc.constantFrom('application/json', 'Application/JSON; charset=utf-8', 'text/plain', '') }), async ({ route, value, type }) => {
      const [method, path] = route.split(' ');
      const text = method === 'GET' ? '' : toJson(value).replace('"DEMO"', JSON.stringify(runtime.demoPhoneNumber.replace('+', '')));
      const res = await tracked(`${route} (signed)`, path, { method, body: method === 'GET' ? undefined : text, headers: { ...(type && { 'content-type': type }), authorization: `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, text)}` } });
      // A validly signed request is never refused as unsigned (query parameters are not covered by Vonage's signature, so those may be).
      if (!path.includes('?')) expect({ route, text, status: res.status, body: res.status === 403 ? res.text : '' }).not.toEqual(expect.objectContaining({ status: 403 }));
    });
  });

  it('Amazon Connect invocations with random events: never a function error, refusals as stored=false storing nothing', async () => {
    const attributes = fc.dictionary(
      fc.oneof(fc.constantFrom('survey_nps', 'survey_csat', 'survey_comment', 'customerId', 'x_nps', '__proto__', 'survey___proto__', 'survey_'), fieldKey),
      fc.oneof(fc.constantFrom('0', '1', '10', '11', '-1', 'five', ''), nastyString, anyValue),
      { maxKeys: 5 },
    );
    const event = fc.oneof(
      { weight: 1, arbitrary: anyValue },
      {
        weight: 4,
        arbitrary: fc.record({
          Name: fc.oneof(fc.constant('ContactFlowEvent'), anyValue),
          Details: fc.oneof(
            anyValue,
            fc.record(
              {
                ContactData: fc.oneof(anyValue, fc.record({ ContactId: fc.oneof(fc.uuid(), nastyString, anyValue), Attributes: fc.oneof(attributes, anyValue), CustomerEndpoint: fc.oneof(fc.record({ Address: fc.oneof(fc.constant('+14155550199'), nastyString), Type: fc.constant('TELEPHONE_NUMBER') }), anyValue), Channel: fc.oneof(fc.constant('VOICE'), anyValue) }, { requiredKeys: [] })),
                Parameters: fc.oneof(anyValue, fc.record({ surveyId: fc.oneof(fc.constantFrom('demo', 'SURVEY'), nastyString, anyValue), customerId: fc.oneof(nastyString, anyValue), answerPrefix: fc.oneof(fc.constantFrom('survey_', 'x_', '', '__proto__'), nastyString, anyValue) }, { requiredKeys: [] })),
              },
              { requiredKeys: [] },
            ),
          ),
        }),
      },
    );
    await check('connect invoke', 100, event, async (value) => {
      const res = await tracked('connectSurvey', '/2015-03-31/functions/connectSurvey/invocations', { body: toJson(value), headers: { 'x-api-key': runtime.adminKey } }, (r) => r.status >= 400 || r.text.includes('"stored":"false"'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-amz-function-error')).toBeNull();
      const out = JSON.parse(res.text);
      expect(['true', 'false']).toContain(out.stored);
      if (out.stored === 'false') expect(typeof out.error).toBe('string');
    });
  });

  it('the stream finishes everything that was accepted: scored, nothing failed, alerts belong to responses, nothing pending', async () => {
    await runtime.waitForIdle();
    const responses = async () => (await scanAll()).filter((i) => String(i.pk).startsWith('RESPONSE#'));
    // DynamoDB Local surfaces stream records a little after the write: poll until the stream caught up.
    await eventually(async () => (await responses()).every((r) => r.scores !== undefined && r.scores?.revision === r.revision), 'every accepted response processed', 20_000).catch(() => undefined);
    await runtime.waitForIdle();
    const items = await scanAll();
    const stored = items.filter((i) => String(i.pk).startsWith('RESPONSE#'));
    console.log(`fuzz: ${stored.length} responses stored by accepted cases, ${items.filter((i) => String(i.pk).startsWith('ALERT#')).length} alerts, ${items.filter((i) => String(i.pk).startsWith('CONVERSATION#')).length} conversations`);
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) expect({ id: r.id, scored: r.scores !== undefined && r.scores?.revision === r.revision, failure: r.processingFailure }).toEqual({ id: r.id, scored: true, failure: undefined });
    for (const i of items) expect({ pk: i.pk, processingFailure: i.processingFailure }).toEqual({ pk: i.pk, processingFailure: undefined });
    const ids = new Set(stored.map((r) => r.id));
    for (const a of items.filter((i) => String(i.pk).startsWith('ALERT#'))) expect({ pk: a.pk, ofStoredResponse: ids.has(a.responseId) }).toEqual({ pk: a.pk, ofStoredResponse: true });
    let pending = 0;
    for (let shard = 0; shard < 8; shard++) {
      const out = await db.send(new QueryCommand({ TableName: runtime.env.TABLE_NAME, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': { S: `PENDING#${shard}` } } }));
      pending += out.Count ?? 0;
    }
    expect(pending).toBe(0);
  });
});
