import { authorize, createApiKey, hashApiKey, presentedKey } from '../../../../lambdas/domain/people/api-keys';
import { MemoryStore } from '../../support/memory-store';
import { NOW } from '../../support/fixtures';

describe('API keys', () => {
  it('stores only the hash and recognises the key', async () => {
    const store = new MemoryStore();
    const { key, record } = await createApiKey(store, 'ops', NOW);
    expect(key).toMatch(/^cxk_[A-Za-z0-9_-]{32}$/);
    expect(record.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify([...store.apiKeys.values()])).not.toContain(key);
    expect(await authorize(store, key)).toMatchObject({ name: 'ops', role: 'admin' });
    expect(await authorize(store, `${key}x`)).toBe('denied');
    expect(await authorize(store, 'short')).toBe('denied');
    expect(await authorize(store, undefined)).toBe('missing');
  });

  it('reads x-api-key or a Bearer token, case-insensitively', () => {
    expect(presentedKey({ 'X-Api-Key': ' k1 ' })).toBe('k1');
    expect(presentedKey({ Authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});
