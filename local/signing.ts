import { createHash, createHmac, randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

/** `X-Twilio-Signature` for a POST to `url` with form `params`, as Twilio computes it. */
export const twilioSignature = (authToken: string, url: string, params: Record<string, string>) => getExpectedTwilioSignature(authToken, url, params);

/** A Vonage signed-webhook JWT (HS256 with the signature secret) for `body`, with a fresh random `jti`: each one is accepted once. */
export function vonageJwt(signatureSecret: string, body: string, now = new Date()): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'HS256', typ: 'JWT' });
  const claims = part({
    iat: Math.floor(now.getTime() / 1000),
    jti: randomUUID(),
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(body, 'utf8').digest('hex'),
    api_key: 'local',
    application_id: randomUUID(),
  });
  const signature = createHmac('sha256', signatureSecret).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}
