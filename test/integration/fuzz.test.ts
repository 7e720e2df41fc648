import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import type { LocalRuntime } from '../../local/runtime';
import { twilioSignature, vonageJwt } from '../../local/signing';
import { apiClient, eventually, startTestRuntime, surveyInput } from './support';

jest.setTimeout(240_000);

/**
 * Property-based fuzzing of every public route and webhook over real HTTP on the real emulators: random
 * JSON, wrong types, unicode, prototype keys, control characters, huge strings, odd content types, bad
 * percent-encoding. Never a 5xx, the error shape on every refusal, no secret echoed, nothing stored from
 * refused input, and the stream finishes everything that was accepted.
 */
let runtime: LocalRuntime;
let surveyId: string;
let secrets: string[];
const counts: Record<string, number> = {};
const accepted = new Set<string>();

beforeAll(async () => {
  runtime = await startTestRuntime();
  const created = await apiClient(runtime)('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) });
  surveyId = created.body.id;
  secrets = [runtime.adminKey, runtime.env.TOKEN_SECRET, runtime.env.TWILIO_AUTH_TOKEN, runtime.env.VONAGE_SIGNATURE_SECRET];
});
afterAll(async () => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} cases run (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  await runtime?.stop();
});

interface Sent {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

async function send(property: string, path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Sent> {
  counts[property] = (counts[property] ?? 0) + 1;
  const res = await fetch(runtime.apiUrl + path, { method: init.method ?? 'POST', body: init.body, headers: init.headers, redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** What every answer must satisfy, whatever was sent. */
function expectSafe(what: string, res: Sent) {
  expect({ what, status: res.status < 500 }).toEqual({ what, status: true });
  for (const secret of secrets) expect(res.text.includes(secret) || [...res.headers.values()].some((v) => v.includes(secret))).toBe(false);
  if (res.status >= 400 && res.headers.get('content-type')?.startsWith('application/json')) {
    const body = JSON.parse(res.text);
    expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) });
    for (const d of body.error.details) expect(d).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
}

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'nps', 'comment', 'csat', 'a.b', 'x'.repeat(100), '\u0000', 'ключ');
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\u0000', '\u2028', '\u0085', '\t', '%', '"', '<', 'é', '😀') }),
  fc.constantFrom('c-1\nNPS: 10', '<script>alert(1)</script>', '=cmd|" /C calc"!A0', '\uD800', 'x'.repeat(3000)),
);
const anyValue = fc.oneof(fc.jsonValue(), nastyString, fc.dictionary(hostileKey, fc.jsonValue(), { maxKeys: 4 }));
const answers = fc.oneof(
  fc.dictionary(fc.oneof(hostileKey, fc.constantFrom('nps', 'csat', 'effort', 'resolved', 'reason', 'comment')), anyValue, { maxKeys: 6 }),
  anyValue,
);
/** Close to valid, so that many are accepted and the stream has work: a score, a comment, an odd customer id. */
const plausible = fc.record(
  {
    surveyId: fc.constant('SURVEY'),
    answers: fc.record({ nps: fc.integer({ min: 0, max: 10 }), comment: nastyString }, { requiredKeys: ['nps'] }),
    customerId: nastyString,
    attributes: fc.dictionary(fc.constantFrom('order', 'store', 'a.b'), fc.string({ maxLength: 20 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['surveyId', 'answers'] },
);
const hostile = fc.record(
  {
    surveyId: fc.oneof(fc.constant('SURVEY'), nastyString, fc.jsonValue()),
    answers,
    customerId: fc.oneof(nastyString, fc.jsonValue()),
    touchpoint: fc.oneof(nastyString, fc.constantFrom('delivery', 'Delivery', 'a-b')),
    attributes: fc.oneof(fc.dictionary(hostileKey, anyValue, { maxKeys: 4 }), anyValue),
  },
  { requiredKeys: [] },
);
const submission = fc.oneof(plausible, hostile);
const contentType = fc.constantFrom('application/json', 'Application/JSON; Charset=UTF-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json; charset=latin1', '');
/** A body from the structure (surveyId filled in), or raw text, or one over the 64 KB limit. */
const body = (structure: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: structure.map((s) => JSON.stringify(s, (_k, v) => (v === 'SURVEY' ? surveyId : v)) ?? 'null') },
    { weight: 2, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ surveyId: 'demo', answers: { comment: 'x'.repeat(70_000) } })) },
  );
const headersFor = (type: string) => (type ? { 'content-type': type } : ({} as Record<string, string>));

const direct = () => new DynamoDBClient({ endpoint: runtime.dynamodbUrl });
async function responsesOfFuzzSurvey() {
  const items = (await direct().send(new ScanCommand({ TableName: runtime.env.TABLE_NAME }))).Items!.map((i) => unmarshall(i));
  return items.filter((i) => String(i.pk).startsWith('RESPONSE#') && i.surveyId === surveyId);
}

describe('fuzz', () => {
  it('POST /responses: never a 5xx, refusals in the error shape, and exactly the accepted responses stored', async () => {
    await fc.assert(
      fc.asyncProperty(body(submission), contentType, fc.boolean(), async (text, type, key) => {
        const res = await send('responses', '/responses', { body: text, headers: { ...headersFor(type), ...(key && { 'idempotency-key': `fuzz-${Math.random()}` }) } });
        expectSafe('POST /responses', res);
        if (res.status === 202) accepted.add(JSON.parse(res.text).id);
        else if (res.status !== 200) expect(res.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 200 },
    );
    // Exactly what was accepted (202) is stored, once; nothing that was refused.
    const stored = await responsesOfFuzzSurvey();
    expect(accepted.size).toBeGreaterThan(0);
    expect(stored.map((r) => r.id).sort()).toEqual([...accepted].sort());
  });

  it('paths with bad percent-encoding and random segments on every GET route: never a 5xx', async () => {
    // Every byte percent-encoded (lone surrogates included, as their UTF-8 replacement).
    const encodeBytes = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('').slice(0, 600) || 'x';
    const segment = fc.oneof(fc.constantFrom('%ZZ', '%E0%A4%A', '%', '%00', '%2F..%2F', '..', '%F0%9F%98%80'), fc.string({ minLength: 1 }).map(encodeBytes), nastyString.map(encodeBytes));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/s/', '/r/', '/c/', '/u/', '/admin/surveys/', '/admin/responses/', '/admin/cases/'), segment, fc.constantFrom('', '?score=5', '?score=%ZZ', '?limit=-1&cursor=%ZZ'), async (prefix, seg, query) => {
        const admin = prefix.startsWith('/admin');
        const res = await send('paths', prefix + seg + query, { method: 'GET', headers: admin ? { 'x-api-key': runtime.adminKey } : {} });
        expectSafe(`GET ${prefix}`, res);
      }),
      { numRuns: 120 },
    );
  });

  it('e-mail link posts and admin writes with random bodies: never a 5xx', async () => {
    const forged = 'eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const routes = fc.constantFrom(
      `/r/${forged}`,
      `/c/${forged}`,
      `/u/${forged}`,
      '/admin/surveys',
      '/admin/surveys/demo/invitations',
      '/admin/surveys/demo/sms-invitations',
      '/admin/surveys/demo/alert-rules',
      '/admin/surveys/demo/responses/import?channel=face-to-face',
      '/admin/settings/contact-fatigue',
      '/admin/cases/x/actions',
      '/admin/phone-numbers/%2B14155550100',
    );
    const admin = fc.record({ name: anyValue, touchpoint: anyValue, ownerEmail: anyValue, questions: anyValue, contacts: fc.oneof(fc.array(fc.record({ email: anyValue, phone: anyValue, customerId: anyValue, name: anyValue, attributes: anyValue }, { requiredKeys: [] }), { maxLength: 3 }), anyValue), surveyId: anyValue, alert: anyValue }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(routes, body(admin), contentType, async (path, text, type) => {
        const method = /^\/admin\/(phone-numbers|settings)|alert-rules$/.test(path) ? 'PUT' : 'POST';
        const res = await send('admin+links', path, { method, body: text, headers: { ...headersFor(type), 'x-api-key': runtime.adminKey } });
        expectSafe(`${method} ${path}`, res);
      }),
      { numRuns: 120 },
    );
  });

  it('provider webhooks: unsigned or badly signed requests get 403 and store nothing; signed random input never a 5xx', async () => {
    // The stream may still be opening cases for earlier properties' responses: let it finish first.
    await runtime.waitForIdle();
    const before = (await direct().send(new ScanCommand({ TableName: runtime.env.TABLE_NAME, Select: 'COUNT' }))).Count;
    const form = fc.dictionary(fc.constantFrom('CallSid', 'MessageSid', 'From', 'To', 'Body', 'Digits', 'SpeechResult', 'CallStatus', '__proto__', 'x'), nastyString, { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/webhooks/twilio/voice', '/webhooks/twilio/voice/status', '/webhooks/twilio/sms', '/webhooks/vonage/answer', '/webhooks/vonage/input?step=0.0', '/webhooks/vonage/event'), form, fc.constantFrom('none', 'garbage', 'wrong-secret'), async (path, params, signature) => {
        const text = new URLSearchParams(params).toString();
        const headers: Record<string, string> = { 'content-type': path.includes('vonage') ? 'application/json' : 'application/x-www-form-urlencoded' };
        if (signature === 'garbage') headers[path.includes('vonage') ? 'authorization' : 'x-twilio-signature'] = path.includes('vonage') ? 'Bearer a.b.c' : 'bm90LWEtc2lnbmF0dXJl';
        if (signature === 'wrong-secret') {
          if (path.includes('vonage')) headers.authorization = `Bearer ${vonageJwt('not-the-secret', text)}`;
          else headers['x-twilio-signature'] = twilioSignature('not-the-token', runtime.apiUrl + path, params);
        }
        const res = await send('webhooks unsigned', path, { body: text, headers });
        expectSafe(path, res);
        expect(res.status).toBe(403);
      }),
      { numRuns: 90 },
    );
    expect((await direct().send(new ScanCommand({ TableName: runtime.env.TABLE_NAME, Select: 'COUNT' }))).Count).toBe(before);

    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/webhooks/twilio/voice', '/webhooks/twilio/voice?step=0.0', '/webhooks/twilio/voice/status', '/webhooks/twilio/sms'), form, async (path, params) => {
        const url = runtime.apiUrl + path;
        const clean = Object.fromEntries(Object.entries(params));
        const res = await send('twilio signed', path, { body: new URLSearchParams(clean).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, clean) } });
        expectSafe(path, res);
      }),
      { numRuns: 80 },
    );
    const vonageBody = fc.oneof(anyValue, fc.record({ uuid: anyValue, from: anyValue, to: anyValue, status: anyValue, dtmf: anyValue, speech: anyValue }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/webhooks/vonage/answer', '/webhooks/vonage/input?step=0.0', '/webhooks/vonage/event'), vonageBody, async (path, value) => {
        const text = JSON.stringify(value) ?? '';
        const res = await send('vonage signed', path, { body: text, headers: { 'content-type': 'application/json', authorization: `Bearer ${vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, text)}` } });
        expectSafe(path, res);
      }),
      { numRuns: 80 },
    );
  });

  it('Amazon Connect invocations with random events: never a function error, refusals as stored=false', async () => {
    const event = fc.oneof(
      anyValue,
      fc.record({ Name: fc.constant('ContactFlowEvent'), Details: fc.oneof(anyValue, fc.record({ ContactData: fc.oneof(anyValue, fc.record({ ContactId: anyValue, Attributes: anyValue, CustomerEndpoint: anyValue, Channel: anyValue }, { requiredKeys: [] })), Parameters: fc.oneof(anyValue, fc.record({ surveyId: fc.oneof(fc.constant('demo'), anyValue), customerId: anyValue, answerPrefix: anyValue }, { requiredKeys: [] })) }, { requiredKeys: [] })) }),
    );
    await fc.assert(
      fc.asyncProperty(event, async (value) => {
        const res = await send('connect', '/2015-03-31/functions/connectSurvey/invocations', { body: JSON.stringify(value) ?? 'null' });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-amz-function-error')).toBeNull();
        const out = JSON.parse(res.text);
        expect(['true', 'false']).toContain(out.stored);
        if (out.stored === 'false') expect(typeof out.error).toBe('string');
        for (const secret of secrets) expect(res.text.includes(secret)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('the stream finishes everything that was accepted: scored, nothing failed, nothing left pending', async () => {
    // DynamoDB Local surfaces stream records a little after the write: poll until the stream caught up.
    const scan = async () => (await direct().send(new ScanCommand({ TableName: runtime.env.TABLE_NAME }))).Items!.map((i) => unmarshall(i)).filter((i) => String(i.pk).startsWith('RESPONSE#'));
    await eventually(async () => (await scan()).every((r) => r.scores?.revision === r.revision), 'every accepted response processed', 20_000).catch(() => undefined);
    const responses = await scan();
    expect(responses.length).toBeGreaterThan(0);
    for (const r of responses) {
      expect({ id: r.id, scored: r.scores?.revision === r.revision, failure: r.processingFailure }).toEqual({ id: r.id, scored: true, failure: undefined });
    }
    let pending = 0;
    for (let shard = 0; shard < 8; shard++) {
      const out = await direct().send(new QueryCommand({ TableName: runtime.env.TABLE_NAME, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': { S: `PENDING#${shard}` } } }));
      pending += out.Count ?? 0;
    }
    expect(pending).toBe(0);
  });
});
