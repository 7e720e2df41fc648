import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorize } from '../../../lambdas/domain/people/api-keys';
import { LOCAL_ADMIN_KEY_NAME, localAdminKey } from '../../../local/seed';
import { MemoryStore } from '../support/memory-store';

const usableLocalAdmins = (store: MemoryStore) => [...store.apiKeys.values()].filter((k) => k.name === LOCAL_ADMIN_KEY_NAME && !k.revokedAt);

describe('the local admin key', () => {
  const now = new Date('2026-11-02T10:00:00Z');

  it('is kept in the data directory and reused on restart: one usable local-admin key however often it starts', async () => {
    const store = new MemoryStore();
    const keyFile = join(mkdtempSync(join(tmpdir(), 'cx-admin-key-')), 'data', 'admin-key');
    const first = await localAdminKey(store, now, { keyFile });
    expect(first.source).toBe('generated');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first.key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    for (let restart = 0; restart < 3; restart++) expect(await localAdminKey(store, now, { keyFile })).toEqual({ key: first.key, source: 'kept' });
    expect(usableLocalAdmins(store).map((k) => k.keyHash)).toHaveLength(1);
    expect(typeof (await authorize(store, first.key))).toBe('object');
  });

  it('revokes the earlier local-admin keys when the kept one cannot be used (a lost file, a revoked key)', async () => {
    const store = new MemoryStore();
    const keyFile = join(mkdtempSync(join(tmpdir(), 'cx-admin-key-')), 'admin-key');
    // Three keys from before keys were kept: each restart made another.
    const earlier = [];
    for (let i = 0; i < 3; i++) earlier.push((await localAdminKey(store, now, {})).key);
    const current = await localAdminKey(store, now, { keyFile });
    expect(current.source).toBe('generated');
    expect(usableLocalAdmins(store)).toHaveLength(1);
    for (const key of earlier) expect(await authorize(store, key)).toBe('denied');

    await store.revokeApiKey(usableLocalAdmins(store)[0].keyId, now);
    const replaced = await localAdminKey(store, now, { keyFile });
    expect(replaced.source).toBe('generated');
    expect(replaced.key).not.toBe(current.key);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(replaced.key);
    expect(usableLocalAdmins(store)).toHaveLength(1);

    writeFileSync(keyFile, 'cxk_not-a-key-this-table-knows\n');
    expect((await localAdminKey(store, now, { keyFile })).source).toBe('generated');
    expect(usableLocalAdmins(store)).toHaveLength(1);
  });

  it('takes SURVEY_ADMIN_KEY as given, revokes a generated one, and writes no file for it', async () => {
    const store = new MemoryStore();
    const keyFile = join(mkdtempSync(join(tmpdir(), 'cx-admin-key-')), 'admin-key');
    const generated = await localAdminKey(store, now, { keyFile });
    const given = 'a-fixed-admin-key-for-this-test';
    expect(await localAdminKey(store, now, { given, keyFile })).toEqual({ key: given, source: 'setting' });
    expect(await localAdminKey(store, now, { given, keyFile })).toEqual({ key: given, source: 'setting' });
    expect(await authorize(store, generated.key)).toBe('denied');
    expect(usableLocalAdmins(store)).toHaveLength(1);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(generated.key);
    // Without the setting again, the revoked kept key is replaced by a new one.
    expect((await localAdminKey(store, now, { keyFile })).source).toBe('generated');
    expect(usableLocalAdmins(store)).toHaveLength(1);
  });

  it('refuses a SURVEY_ADMIN_KEY the authorizer would refuse, rather than leave no usable admin key', async () => {
    const store = new MemoryStore();
    await expect(localAdminKey(store, now, { given: 'short' })).rejects.toThrow(/SURVEY_ADMIN_KEY is refused/);
  });

  it('in memory (no data directory) makes a key for the run', async () => {
    const store = new MemoryStore();
    const made = await localAdminKey(store, now, {});
    expect(made.source).toBe('generated');
    expect(usableLocalAdmins(store)).toHaveLength(1);
  });
});
