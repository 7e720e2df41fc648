import { Webhook } from 'standardwebhooks';
import { isWebhookSecret, newWebhookSecret, signedHeaders } from '../../../../lambdas/domain/destinations/signing';

const body = JSON.stringify({ type: 'case.opened', version: 1, id: 'evt_abc', data: { caseId: 'c1' } });

describe('webhook secrets', () => {
  it('are whsec_ and the base64 of 24 random bytes, different every time', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(isWebhookSecret(secret)).toBe(true);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it.each(['', 'whsec_', 'secret', 'whsec_short', 'whsec_!!!!', `whsec_${Buffer.alloc(16).toString('base64')}`])('rejects %p as a secret', (s) => {
    expect(isWebhookSecret(s)).toBe(false);
  });
});

describe('signedHeaders', () => {
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret();

  it('signs so that the receiver verifies with the library, with either secret during a rotation', () => {
    const headers = signedHeaders([oldSecret, newSecret], 'evt_abc', new Date(), body);
    expect(headers['webhook-id']).toBe('evt_abc');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature'].split(' ').every((s) => /^v1,[A-Za-z0-9+/]{43}=$/.test(s))).toBe(true);
    for (const secret of [oldSecret, newSecret]) expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('gives one v1 signature per distinct secret, the same as the library gives', () => {
    const at = new Date('2026-11-24T12:00:00.900Z');
    const headers = signedHeaders([newSecret, newSecret], 'evt_1', at, body);
    expect(headers['webhook-signature']).toBe(new Webhook(newSecret).sign('evt_1', at, body));
    expect(headers['webhook-timestamp']).toBe(String(Date.parse('2026-11-24T12:00:00Z') / 1000));
  });

  it('fails verification for a changed body, another id, an unknown secret or an old timestamp', () => {
    const headers = signedHeaders([oldSecret, newSecret], 'evt_abc', new Date(), body);
    expect(() => new Webhook(newSecret).verify(body.replace('c1', 'c2'), { ...headers })).toThrow('No matching signature found');
    expect(() => new Webhook(newSecret).verify(body, { ...headers, 'webhook-id': 'evt_other' })).toThrow('No matching signature found');
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow('No matching signature found');
    const old = signedHeaders([newSecret], 'evt_abc', new Date(Date.now() - 10 * 60_000), body);
    expect(() => new Webhook(newSecret).verify(body, { ...old })).toThrow('Message timestamp too old');
  });

  it('refuses no secret, an id with spaces and an invalid time', () => {
    expect(() => signedHeaders([], 'evt_1', new Date(), body)).toThrow('at least one');
    expect(() => signedHeaders([newSecret], 'evt 1', new Date(), body)).toThrow('webhook id');
    expect(() => signedHeaders([newSecret], '', new Date(), body)).toThrow('webhook id');
    expect(() => signedHeaders([newSecret], 'evt_1', new Date('nope'), body)).toThrow('timestamp');
  });
});
