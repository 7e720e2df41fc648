import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyLookup, ApiKeyRecord, ApiKeyStore } from './ports';
import type { KeyScope, Role } from './roles';

export const API_KEY_PREFIX = 'cxk_';

/** Keys are stored only as SHA-256 hashes; a leaked table does not leak usable keys. */
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** The public handle of a key (listing, revoking): the first 16 hex digits of its hash, never the key. */
export const keyIdOf = (keyHash: string) => keyHash.slice(0, 16);

export const generateApiKey = () => API_KEY_PREFIX + randomBytes(24).toString('base64url');

export interface ApiKeySpec {
  readonly name: string;
  readonly role?: Role;
  readonly scope?: KeyScope;
  /** The holder's address: the dashboard's "my cases" are the cases they own. */
  readonly email?: string;
}

/** Creates a key record (a bare name makes an admin key) and returns the plain key once. */
export async function createApiKey(store: Pick<ApiKeyStore, 'putApiKey'>, spec: string | ApiKeySpec, now: Date, key = generateApiKey()): Promise<{ key: string; record: ApiKeyRecord }> {
  const { name, role = 'admin', scope, email } = typeof spec === 'string' ? ({ name: spec } as ApiKeySpec) : spec;
  const keyHash = hashApiKey(key);
  const record: ApiKeyRecord = { keyHash, keyId: keyIdOf(keyHash), name, role, ...(scope && { scope }), ...(email && { email }), createdAt: now.toISOString() };
  await store.putApiKey(record);
  return { key, record };
}

/** What a listing shows of a key: never the hash, from which nothing is gained but a lookup handle. */
export function describeApiKey(record: ApiKeyRecord) {
  const { keyHash, ...shown } = record;
  return { ...shown, keyId: record.keyId ?? keyIdOf(keyHash) };
}

/** The authorizer context for a key record: the scope travels as JSON text. */
export const authorizerContextOf = (key: Pick<ApiKeyRecord, 'name' | 'role' | 'scope'>) => ({
  keyName: key.name,
  role: key.role,
  scope: JSON.stringify(key.scope ?? {}),
});

/** The key from `x-api-key` or `Authorization: Bearer …`. */
export function presentedKey(headers: Record<string, string | undefined>): string | undefined {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const direct = lower['x-api-key']?.trim();
  if (direct) return direct;
  const bearer = /^Bearer\s+(\S+)$/i.exec(lower['authorization'] ?? '');
  return bearer?.[1];
}

/** A revoked key is refused like an unknown one. */
export async function authorize(store: ApiKeyLookup, key: string | undefined): Promise<'missing' | 'denied' | ApiKeyRecord> {
  if (!key) return 'missing';
  // Cheap shape check first, so junk never reaches the table.
  if (key.length < 16 || key.length > 200) return 'denied';
  const record = await store.getApiKey(hashApiKey(key));
  return record && !record.revokedAt ? record : 'denied';
}
