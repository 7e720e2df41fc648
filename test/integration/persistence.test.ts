import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { apiClient, startTestRuntime, surveyInput } from './support';

jest.setTimeout(120_000);

describe('file-backed local data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-local-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps surveys and responses across restarts, and honours SURVEY_ADMIN_KEY', async () => {
    const env = { SURVEY_ADMIN_KEY: 'a-fixed-admin-key-for-this-test', TOKEN_SECRET: 'fixed-token-secret-for-this-test' };
    // A restart uses the same configured ports (handlers keep their clients, as a warm Lambda container does).
    const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), sns: await freePort(), sms: await freePort() };
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
});
