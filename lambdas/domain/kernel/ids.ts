import { createHash, randomBytes } from 'node:crypto';

// Random bytes drawn from a pool refilled 4 KiB at a time: one system call per 400 ids, not one per id.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomSlice(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}

/** Random id that sorts by creation time: 10 chars of time (base32hex) + 16 of randomness. */
export function newId(now = new Date()): string {
  const time = now.getTime().toString(32).padStart(10, '0');
  return time + randomSlice(10).toString('base64url').replace(/[-_]/g, '0').slice(0, 13).toLowerCase();
}

/**
 * Deterministic id for a submission a client or provider may retry: the same key always names the same
 * response, so a conditional put turns retries into no-ops.
 */
export function idFromKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').replace(/[-_]/g, '0').slice(0, 24).toLowerCase();
}

/** Ids this service issues; anything else cannot name a stored item, so it is not looked up. */
export const isWellFormedId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id);
