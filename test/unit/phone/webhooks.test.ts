import { vonageJwt, twilioSignature } from '../../../local/signing';
import { e164, signedUrl, verifyTwilioRequest, verifyVonageRequest } from '../../../lambdas/shared/webhooks';
import { DomainError } from '../../../lambdas/domain/errors';
import { httpEvent } from '../support/events';

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

describe('Vonage signed webhooks', () => {
  const body = JSON.stringify({ uuid: 'u1', dtmf: { digits: '3', timed_out: false } });
  const vonageEvent = (token: string | undefined, text = body) =>
    httpEvent('POST', '/webhooks/vonage/input', { body: text, headers: { ...(token !== undefined && { authorization: `Bearer ${token}` }) } });

  it('accepts HS256 with the signature secret and a matching payload_hash', async () => {
    expect(await verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body)))).toEqual(JSON.parse(body));
  });

  it('refuses a missing token, a changed body, another secret, a stale token and alg none', async () => {
    const forbidden = { status: 403, code: 'invalid_signature' };
    expect(await refusal(verifyVonageRequest(vonageEvent(undefined)))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body), body.replace('3', '9'))))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('other', body))))).toEqual(forbidden);
    expect(await refusal(verifyVonageRequest(vonageEvent(vonageJwt('vonage-test-secret', body, new Date(Date.now() - 600_000)))))).toEqual(forbidden);
    const [, claims] = vonageJwt('vonage-test-secret', body).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${claims}.`;
    expect(await refusal(verifyVonageRequest(vonageEvent(none)))).toEqual(forbidden);
  });

  it('normalises Vonage numbers to E.164', () => {
    expect(e164('447700900001')).toBe('+447700900001');
    expect(e164('+14155550100')).toBe('+14155550100');
    expect(e164('Unknown')).toBeUndefined();
  });
});
