import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, FeedbackStore } from './ports';

export const API_KEY_PREFIX = 'cxk_';

/** Keys are stored only as SHA-256 hashes; a leaked table does not leak usable keys. */
export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export const generateApiKey = () => API_KEY_PREFIX + randomBytes(24).toString('base64url');

/** Creates a key record for `key` (generated when not given) and returns the plain key once. */
export async function createApiKey(store: FeedbackStore, name: string, now: Date, key = generateApiKey()): Promise<{ key: string; record: ApiKeyRecord }> {
  const record: ApiKeyRecord = { keyHash: hashApiKey(key), name, role: 'admin', createdAt: now.toISOString() };
  await store.putApiKey(record);
  return { key, record };
}

/** The key from `x-api-key` or `Authorization: Bearer …`. */
export function presentedKey(headers: Record<string, string | undefined>): string | undefined {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const direct = lower['x-api-key']?.trim();
  if (direct) return direct;
  const bearer = /^Bearer\s+(\S+)$/i.exec(lower['authorization'] ?? '');
  return bearer?.[1];
}

export async function authorize(store: FeedbackStore, key: string | undefined): Promise<'missing' | 'denied' | ApiKeyRecord> {
  if (!key) return 'missing';
  // Cheap shape check first, so junk never reaches the table.
  if (key.length < 16 || key.length > 200) return 'denied';
  return (await store.getApiKey(hashApiKey(key))) ?? 'denied';
}
