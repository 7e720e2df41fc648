import { createHmac } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { vonageJwt, twilioSignature } from '../../../local/signing';
import { e164, signedUrl, verifyTwilioRequest, verifyVonageRequest } from '../../../lambdas/shared/webhooks';
import { DynamoReplayGuard } from '../../../lambdas/adapters/dynamodb/replay-guard';
import { handler as vonageVoice } from '../../../lambdas/handlers/vonage-voice';
import type { ReplayGuard } from '../../../lambdas/domain/outreach/phone/ports';
import { DomainError } from '../../../lambdas/domain/kernel/errors';
import { context, httpEvent } from '../support/events';

process.env.TWILIO_AUTH_TOKEN = 'twilio-test-token';
process.env.VONAGE_SIGNATURE_SECRET = 'vonage-test-secret';

const params = { CallSid: 'CA1', From: '+14155550100', To: '+15005550006', Digits: '7' };
const twilioEvent = (signature: string | undefined, query = 'step=1.0', body = new URLSearchParams(params).toString()) =>
  httpEvent('POST', '/webhooks/twilio/voice', {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== undefined && { 'x-twilio-signature': signature }) },
    ...(query && { query: Object.fromEntries(new URLSearchParams(query)) }),
  });
const url = 'https://cx.example.org/webhooks/twilio/voice?step=1.0';

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (e) => e);
  expect(error).toBeInstanceOf(DomainError);
  return { status: error.status, code: error.code };
}

describe('Twilio signatures', () => {
  it('rebuilds the public URL the provider signed from PUBLIC_URL, path and query', () => {
    expect(signedUrl(twilioEvent('x'))).toBe(url);
    expect(signedUrl(twilioEvent('x', ''))).toBe('https://cx.example.org/webhooks/twilio/voice');
  });

  it('accepts a valid signature and returns the form parameters', async () => {
    expect(await verifyTwilioRequest(twilioEvent(twilioSignature('twilio-test-token', url, params)))).toEqual(params);
  });

  it('refuses a missing header, a tampered body, another URL or another token with 403', async () => {
    const forbidden = { status: 403, code: 'invalid_signature' };
    expect(await refusal(verifyTwilioRequest(twilioEvent(undefined)))).toEqual(forbidden);
    const good = twilioSignature('twilio-test-token', url, params);
    expect(await refusal(verifyTwilioRequest(twilioEvent(good, 'step=1.0', new URLSearchParams({ ...params, Digits: '0' }).toString())))).toEqual(forbidden);
    expect(await refusal(verifyTwilioRequest(twilioEvent(good, 'step=2.0')))).toEqual(forbidden);
    expect(await refusal(verifyTwilioRequest(twilioEvent(twilioSignature('other', url, params))))).toEqual(forbidden);
  });
});

/** An in-memory replay guard: each id is accepted once. */
class MemoryReplayGuard implements ReplayGuard {
  readonly seen = new Map<string, Date>();
  async firstUse(id: string, expiresAt: Date) {
    if (this.seen.has(id)) return false;
    this.seen.set(id, expiresAt);
    return true;
  }
}

/** A JWT signed like Vonage's, with exactly the given claims. */
function signedWith(secret: string, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('Vonage signed webhooks', () => {
  const body = JSON.stringify({ uuid: 'u1', dtmf: { digits: '3', timed_out: false } });
  const vonageEvent = (token: string | undefined, text = body, query?: Record<string, string>, method = 'POST', path = '/webhooks/vonage/input') =>
    httpEvent(method, path, { body: text, headers: { ...(token !== undefined && { authorization: `Bearer ${token}` }) }, ...(query && { query }) });
  let guard: MemoryReplayGuard;
  beforeEach(() => (guard = new MemoryReplayGuard()));

  it('accepts HS256 with the signature secret and a matching payload_hash', async () => {
    expect(await verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body)), guard)).toEqual(JSON.parse(body));
  });

  it('refuses a missing token, a changed body, another secret, a stale token and alg none', async () => {
    const forbidden = { status: 403, code: 'invalid_signature' };
    expect(await refusal(verifyVonageRequest(vonageEvent(undefined), guard))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body), body.replace('3', '9')), guard))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('other', body)), guard))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body, new Date(Date.now() - 600_000))), guard))).toEqual(forbidden);
    const [, claims] = vonageJwt('vonage-test-secret', body).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${claims}.`;
    expect(await refusal(verifyVonageRequest(vonageEvent(none), guard))).toEqual(forbidden);
    expect(guard.seen.size).toBe(0);
  });

  it('refuses a replayed JWT with 403, remembering its jti until iat + the allowed skew', async () => {
    const token = vonageJwt('vonage-test-secret', body);
    expect(await verifyVonageRequest(vonageEvent(token), guard)).toEqual(JSON.parse(body));
    const { jti, iat } = claimsOf(token);
    expect(guard.seen.get(jti)).toEqual(new Date((iat + 300) * 1000));
    expect(await refusal(verifyVonageRequest(vonageEvent(token), guard))).toEqual({ status: 403, code: 'replayed_signature' });
    // Another token for the same body is another delivery.
    expect(await verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body)), guard)).toEqual(JSON.parse(body));
  });

  it('refuses a JWT without a usable jti with 403', async () => {
    const { jti: _, ...claims } = claimsOf(vonageJwt('vonage-test-secret', body));
    expect(await refusal(verifyVonageRequest(vonageEvent(signedWith('vonage-test-secret', claims)), guard))).toEqual({ status: 403, code: 'invalid_signature' });
    for (const jti of ['', 42, { id: 1 }, 'x'.repeat(129), 'a\nb']) {
      expect(await refusal(verifyVonageRequest(vonageEvent(signedWith('vonage-test-secret', { ...claims, jti })), guard))).toEqual({ status: 403, code: 'invalid_signature' });
    }
    expect(guard.seen.size).toBe(0);
  });

  it.each(['uuid', 'from', 'to', 'conversation_uuid', 'surveyId', 'customerId'])('refuses %s in the unsigned query string with 403 naming it', async (name) => {
    const get = vonageEvent(vonageJwt('vonage-test-secret', ''), '', { [name]: 'x' }, 'GET', '/webhooks/vonage/answer');
    const error = await verifyVonageRequest(get, guard).then(() => undefined, (e) => e);
    expect(error).toMatchObject({ status: 403, code: 'unsigned_parameter', details: [{ field: `query.${name}` }] });
    // The POST answer URL's query is no more signed than a GET's.
    const post = vonageEvent(vonageJwt('vonage-test-secret', body), body, { [name]: 'x' }, 'POST', '/webhooks/vonage/answer');
    expect(await refusal(verifyVonageRequest(post, guard))).toEqual({ status: 403, code: 'unsigned_parameter' });
    expect(guard.seen.size).toBe(0);
  });

  it('keeps the step marker of its own eventUrl', async () => {
    expect(await verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body), body, { step: '1.0' }), guard)).toEqual(JSON.parse(body));
  });

  it('normalises Vonage numbers to E.164', () => {
    expect(e164('447700900001')).toBe('+447700900001');
    expect(e164('+14155550100')).toBe('+14155550100');
    expect(e164('Unknown')).toBeUndefined();
  });
});

describe('Vonage voice handler', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
  });
  const call = (method: string, token: string, text: string | undefined, query?: Record<string, string>) =>
    vonageVoice(httpEvent(method, '/webhooks/vonage/answer', { headers: { authorization: `Bearer ${token}`, ...(text && { 'content-type': 'application/json' }) }, ...(text !== undefined && { body: text }), ...(query && { query }) }), context);

  it('answers a GET answer webhook carrying the call in its query with a JSON 403 naming the field, storing nothing', async () => {
    const result = await call('GET', vonageJwt('vonage-test-secret', ''), undefined, { to: '15005550006', from: '447700900001', uuid: 'call-1' });
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body as string).error).toMatchObject({ code: 'unsigned_parameter', details: [{ field: expect.stringMatching(/^query\.(to|from|uuid)$/) }] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('records the jti with a conditional put and refuses the same JWT a second time', async () => {
    const text = JSON.stringify({ uuid: 'call-2', to: '15005550006', from: '447700900001' });
    const token = vonageJwt('vonage-test-secret', text);
    expect((await call('POST', token, text)).statusCode).toBe(200);
    const { jti, iat } = claimsOf(token);
    const guardPuts = ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.pk).startsWith('WEBHOOKJTI#'));
    expect(guardPuts.map((c) => c.args[0].input)).toEqual([
      { TableName: 'cx-feedback-test', Item: { pk: `WEBHOOKJTI#${jti}`, sk: 'META', entity: 'webhook-jti', expiresAt: iat + 300 }, ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
    ddb.on(PutCommand, { Item: { pk: `WEBHOOKJTI#${jti}` } }).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const replay = await call('POST', token, text);
    expect(replay.statusCode).toBe(403);
    expect(JSON.parse(replay.body as string).error.code).toBe('replayed_signature');
  });
});

describe('DynamoReplayGuard', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());

  it('is true for a new id and false when the conditional put finds it', async () => {
    const guard = new DynamoReplayGuard('table');
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    expect(await guard.firstUse('j1', new Date(1_800_000_000_500))).toBe(true);
    expect(await guard.firstUse('j1', new Date(1_800_000_000_500))).toBe(false);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({ Item: { pk: 'WEBHOOKJTI#j1', sk: 'META', expiresAt: 1_800_000_001 } });
  });
});

describe('provider identifiers', () => {
  it('accepts ids and numbers providers send, and refuses what could not be one before it becomes a key', () => {
    const { providerField, customerIdParameter } = jest.requireActual('../../../lambdas/shared/webhooks');
    for (const ok of ['CA0123456789abcdef0123456789abcd01', 'SM01', '+14155550100', 'client:alice', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee']) expect(providerField('CallSid', ok)).toBe(ok);
    expect(providerField('CallSid', undefined)).toBeUndefined();
    for (const bad of ['x'.repeat(65), 'CA1\n', 'a b', '#', '%ZZ']) expect(() => providerField('CallSid', bad)).toThrow(expect.objectContaining({ status: 400, details: [expect.objectContaining({ field: 'CallSid' })] }));
    expect(customerIdParameter('c-1')).toBe('c-1');
    expect(() => customerIdParameter('c-1\nNPS: 10')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('Vonage input', () => {
  it('takes keypad digits, else the most confident well-formed speech result, skipping malformed entries (found by the fuzz suite)', () => {
    const { vonageInput } = jest.requireActual('../../../lambdas/shared/webhooks');
    expect(vonageInput({ dtmf: { digits: '7' } })).toEqual({ digits: '7' });
    expect(vonageInput({ speech: { results: [{ text: 'six', confidence: '0.4' }, { text: 'nine', confidence: '0.9' }] } })).toEqual({ speech: 'nine' });
    expect(vonageInput({ speech: { results: ['', null, 3, { text: 5 }, { text: 'eight', confidence: 'high' }] } })).toEqual({ speech: 'eight' });
    expect(vonageInput({ speech: { results: ['', null] } })).toEqual({});
    expect(vonageInput({ speech: 'nine' })).toEqual({});
  });
});
