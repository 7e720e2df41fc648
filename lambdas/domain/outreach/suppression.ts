import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../kernel/errors';
import { contactKeys, type SuppressionIdentity } from '../people/identities';
import type { SuppressionStore } from './ports';

/** True when any of the person's identities is suppressed. */
export async function isSuppressed(store: Pick<SuppressionStore, 'getSuppression'>, secret: string, who: SuppressionIdentity): Promise<boolean> {
  for (const key of contactKeys(secret, who)) if (await store.getSuppression(key)) return true;
  return false;
}

/** The unsubscribe link's claims: the hashed identities it suppresses, signed so nobody can forge one for someone else. */
const UNSUBSCRIBE_DOMAIN = 'unsubscribe.v1.';

export function unsubscribeToken(secret: string, who: SuppressionIdentity): string {
  const payload = Buffer.from(JSON.stringify({ k: contactKeys(secret, who) })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(UNSUBSCRIBE_DOMAIN + payload).digest('base64url')}`;
}

export function verifyUnsubscribeToken(secret: string, token: string): string[] {
  const invalid = () => new DomainError(400, 'invalid_token', 'this unsubscribe link is not valid', [{ field: 'token', message: 'not valid' }]);
  const match = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw invalid();
  const expected = createHmac('sha256', secret).update(UNSUBSCRIBE_DOMAIN + match[1]).digest();
  const given = Buffer.from(match[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const keys = (JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { k?: unknown }).k;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 3 || !keys.every((k) => typeof k === 'string' && /^[A-Za-z0-9_-]{32}$/.test(k))) throw invalid();
  return keys as string[];
}
