import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { apiClient, startTestRuntime, surveyInput, type ApiClient } from './support';

jest.setTimeout(120_000);

describe('file-backed local data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-local-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // Every runtime of this file on the same ports: handlers keep their clients, as a warm Lambda container does.
  let ports: { api: number; dynamodb: number; ses: number; sns: number; sms: number };
  beforeAll(async () => {
    ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), sns: await freePort(), sms: await freePort() };
  });

  it('keeps surveys and responses across restarts, and honours SURVEY_ADMIN_KEY', async () => {
    const env = { SURVEY_ADMIN_KEY: 'a-fixed-admin-key-for-this-test', TOKEN_SECRET: 'fixed-token-secret-for-this-test' };
    const options = { inMemory: false, dataDir, env, ports };
    const first = await startTestRuntime(options);
    let surveyId: string;
    let responseId: string;
    try {
      expect(first.adminKey).toBe(env.SURVEY_ADMIN_KEY);
      expect(first.generatedSecrets).not.toContain('TOKEN_SECRET');
      const api = apiClient(first);
      surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) })).body.id;
      responseId = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, answers: { nps: 9 } }) })).body.id;
      await first.waitForIdle();
    } finally {
      await first.stop();
    }

    const second = await startTestRuntime(options);
    try {
      const api = apiClient(second);
      expect((await api(`/admin/surveys/${surveyId}`)).status).toBe(200);
      expect((await api('/admin/surveys/demo')).status).toBe(200);
      const response = await api(`/admin/responses/${responseId}`);
      expect(response.body).toMatchObject({ id: responseId, scores: { nps: { category: 'promoter' } } });
    } finally {
      await second.stop();
    }
  });

  it('reuses the generated admin key on restart, leaving exactly one usable local-admin key', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'cx-local-key-'));
    const env = { TOKEN_SECRET: 'fixed-token-secret-for-this-test' };
    const options = { inMemory: false, dataDir: keyDir, env, ports, seedDemo: false };
    const localAdmins = async (api: ApiClient) => {
      const listed = await api('/admin/keys');
      expect([listed.status, listed.body]).toEqual([200, { items: expect.any(Array) }]);
      return (listed.body.items as { name: string; revokedAt?: string }[]).filter((k) => k.name === 'local-admin');
    };
    const keys: string[] = [];
    try {
      for (let run = 0; run < 2; run++) {
        const runtime = await startTestRuntime(options);
        try {
          expect(runtime.adminKeySource).toBe(run === 0 ? 'generated' : 'kept');
          expect(runtime.adminKeyFile).toBe(join(keyDir, 'admin-key'));
          keys.push(runtime.adminKey);
          const admins = await localAdmins(apiClient(runtime));
          expect(admins.filter((k) => !k.revokedAt)).toHaveLength(1);
        } finally {
          await runtime.stop();
        }
      }
      expect(keys[1]).toBe(keys[0]);
      expect(readFileSync(join(keyDir, 'admin-key'), 'utf8').trim()).toBe(keys[0]);

      // A lost key file: a new key, and the one before is revoked rather than left usable forever.
      rmSync(join(keyDir, 'admin-key'));
      const third = await startTestRuntime(options);
      try {
        expect(third.adminKeySource).toBe('generated');
        expect(third.adminKey).not.toBe(keys[0]);
        const admins = await localAdmins(apiClient(third));
        expect([admins.length, admins.filter((k) => !k.revokedAt).length]).toEqual([2, 1]);
        expect((await apiClient(third)('/admin/keys', { key: keys[0] })).status).toBe(403);
      } finally {
        await third.stop();
      }
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
