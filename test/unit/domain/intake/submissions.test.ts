import { recordResponse } from '../../../../lambdas/domain/intake/submissions';
import { countersOf, deltaOf } from '../../../../lambdas/domain/insight/aggregates';
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

  it('stores a bad experience scored but pending: it counts at once, the case and its notifications are the stream\'s', async () => {
    const { store, stored } = await record({ nps: 2 });
    expect(stored.scores).toMatchObject({ revision: 1, nps: { category: 'detractor', value: 2 } });
    expect(stored.pending).toBe(true);
    expect(store.pending.has(stored.id)).toBe(true);
  });

  it('stores a known customer or contact scored but pending: profile, timeline and contact history are the stream\'s', async () => {
    for (const extra of [{ customerId: 'c-1' }, { contact: { email: 'ann@example.org' } }]) {
      const { store, stored } = await record({ nps: 10 }, extra);
      expect(stored.scores).toMatchObject({ revision: 1, nps: { category: 'promoter' } });
      expect(store.pending.has(stored.id)).toBe(true);
    }
  });
});

describe('a response counts in the aggregates from the moment it is stored', () => {
  it('counts a pending detractor before (and whether or not) its alert is ever sent', async () => {
    const { stored } = await record({ nps: 1 }, { customerId: 'c-1' });
    expect(stored.pending).toBe(true);
    expect(countersOf(stored)).toMatchObject({ responses: 1, nps_n: 1, nps_detractors: 1 });
    expect(countersOf(stored)?.alerts).toBeUndefined();
  });

  it('adds only the alert when processing completes', async () => {
    const { store, stored } = await record({ nps: 1 }, { customerId: 'c-1' });
    await store.completeProcessing(stored.id, { ...stored.scores!, caseOpened: true });
    const completed = store.responses.get(stored.id)!;
    expect(completed.pending).toBeUndefined();
    expect(total(deltaOf(stored, completed))).toEqual({ alerts: 1 });
  });
});

function total(deltas: ReturnType<typeof deltaOf>) {
  return deltas.filter((d) => d.key.granularity === 'D').reduce((sum, d) => ({ ...sum, ...d.counters }), {} as Record<string, number>);
}
