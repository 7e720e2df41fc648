import { recordResponse } from '../../../../lambdas/domain/intake/submissions';
import { MemoryStore } from '../../support/memory-store';
import { NOW, survey } from '../../support/fixtures';

async function record(answers: Record<string, unknown>, extra: { customerId?: string; contact?: { email: string } } = {}) {
  const store = new MemoryStore();
  await store.putSurvey(survey());
  const { response } = await recordResponse(store.ports, { surveyId: 'srv1', channel: 'web', answers, ...extra }, NOW);
  return { store, stored: store.responses.get(response.id)! };
}

describe('recordResponse: scores computed once, at ingest', () => {
  it('stores an anonymous answer that opens no case scored and complete, so nothing is left for the stream', async () => {
    const { store, stored } = await record({ nps: 9 });
    expect(stored.scores).toMatchObject({ revision: 1, nps: { category: 'promoter', value: 9 } });
    expect(store.pending.size).toBe(0);
  });

  it('leaves a bad experience pending, unscored: the case and its notifications are the stream\'s', async () => {
    const { store, stored } = await record({ nps: 2 });
    expect(stored.scores).toBeUndefined();
    expect(store.pending.has(stored.id)).toBe(true);
  });

  it('leaves a known customer or contact pending: profile, timeline and contact history are the stream\'s', async () => {
    for (const extra of [{ customerId: 'c-1' }, { contact: { email: 'ann@example.org' } }]) {
      const { store, stored } = await record({ nps: 10 }, extra);
      expect(stored.scores).toBeUndefined();
      expect(store.pending.has(stored.id)).toBe(true);
    }
  });
});
