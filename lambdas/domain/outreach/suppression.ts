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

/** What the unsubscribe page shows: the address (masked, as the link travels through logs) and who sent it. */
export interface UnsubscribeShown {
  readonly address?: string;
  readonly sender?: string;
}

/** "jane.doe@example.com" as "j•••e@example.com": enough for a person to know which of their addresses. */
export function maskedAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  const local = email.slice(0, at);
  return `${local.length > 2 ? `${local[0]}•••${local[local.length - 1]}` : `${local[0]}•••`}${email.slice(at)}`;
}

export function unsubscribeToken(secret: string, who: SuppressionIdentity, shown: UnsubscribeShown = {}): string {
  const claims = { k: contactKeys(secret, who), ...(shown.address && { a: maskedAddress(shown.address) }), ...(shown.sender && { f: shown.sender.slice(0, 200) }) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(UNSUBSCRIBE_DOMAIN + payload).digest('base64url')}`;
}

export function verifyUnsubscribeToken(secret: string, token: string): { readonly keys: string[] } & UnsubscribeShown {
  const invalid = () => new DomainError(400, 'invalid_token', 'this unsubscribe link is not valid', [{ field: 'token', message: 'not valid' }]);
  const match = /^([A-Za-z0-9_-]{10,1400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw invalid();
  const expected = createHmac('sha256', secret).update(UNSUBSCRIBE_DOMAIN + match[1]).digest();
  const given = Buffer.from(match[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const claims = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { k?: unknown; a?: unknown; f?: unknown };
  const keys = claims.k;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 3 || !keys.every((k) => typeof k === 'string' && /^[A-Za-z0-9_-]{32}$/.test(k))) throw invalid();
  return {
    keys: keys as string[],
    ...(typeof claims.a === 'string' && { address: claims.a }),
    ...(typeof claims.f === 'string' && { sender: claims.f }),
  };
}
