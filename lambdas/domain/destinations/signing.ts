import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The three headers of a Standard Webhooks delivery (standardwebhooks.com), by their spec names. */
export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';

/** A new signing secret as the spec writes it: `whsec_` and the base64 of 24 random bytes (192 bits). */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** Whether a string is a secret this service could have issued: `whsec_` and base64 of 24 to 64 bytes. */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const body = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return false;
  const bytes = Buffer.from(body, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/**
 * The headers that sign one delivery. While a secret is rotated the destination holds the old and the new
 * one; the signature header then carries one `v1,<signature>` per secret, space-separated (the spec allows
 * several), so the receiver verifies with whichever secret it has. The timestamp is whole seconds; the id
 * stays the same across retries of one event, so receivers can drop duplicates by it.
 */
export function signedHeaders(secrets: readonly string[], id: string, timestamp: Date, body: string): SignedHeaders {
  if (secrets.length === 0) throw new Error('A delivery needs at least one signing secret');
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw new Error('A webhook id is 1 to 256 printable ASCII characters without spaces');
  if (Number.isNaN(timestamp.getTime())) throw new Error('Invalid webhook timestamp');
  const signatures = [...new Set(secrets)].map((secret) => new Webhook(secret).sign(id, timestamp, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
