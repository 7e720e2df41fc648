import { parkedResponses, processResponse, retryParked, sweepPending } from '../../../../lambdas/domain/loop/processing';
import { builtinReader } from '../../../../lambdas/domain/comments/reading/builtin-reader';
import { caseMessages } from '../../../../lambdas/views/messages';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import { MemoryStore } from '../../support/memory-store';
import { MemoryErasure } from '../../support/memory-erasure';
import { erasureSubject } from '../../../../lambdas/domain/people/erasure';
import { response, survey } from '../../support/fixtures';

function setup() {
  const store = new MemoryStore();
  const mails: EmailMessage[] = [];
  const email = { send: jest.fn(async (m: EmailMessage) => void mails.push(m)) };
  const publisher = { publish: jest.fn(async () => undefined) };
  const erasure = new MemoryErasure(store);
  const later = (minutes: number) => ({ ...store.ports, reader: builtinReader, erasure, messages: caseMessages, email, publisher, publicUrl: 'https://cx.example.org', tokenSecret: 's', now: new Date(Date.now() + minutes * 60_000) });
  return { store, mails, email, publisher, later, erasure };
}

describe('processResponse', () => {
  it('scores once, alerts, and ends the pending state in one write', async () => {
    const { store, mails, later } = setup();
    await store.putSurvey(survey());
    await store.putResponse(response({ nps: 2 }));
    const result = await processResponse(later(0), survey(), response({ nps: 2 }));
    expect(result).toMatchObject({ alert: 'opened', completed: true, scores: { severity: 'critical', revision: 1 } });
    expect(store.responses.get('resp1')!.scores).toEqual(result.scores);
    expect(store.pending.size).toBe(0);
    expect(mails).toHaveLength(1);
  });

  it('leaves a superseded revision to its own processing', async () => {
    const { store, later } = setup();
    await store.saveResponseRevision(response({ nps: 9 }, { revision: 2 }));
    expect((await processResponse(later(0), survey(), response({ nps: 9 }, { revision: 1 }))).completed).toBe(false);
    expect(store.pending.has('resp1')).toBe(true);
  });
});

describe('sweepPending', () => {
  it('finishes what the stream gave up on, reports what still fails and why, and leaves recent work to the stream', async () => {
    const { store, mails, email, later } = setup();
    await store.putSurvey(survey());
    await store.putResponse(response({ nps: 1 }, { id: 'r-bad' }));
    await store.putResponse(response({ nps: 10 }, { id: 'r-good' }));

    // Too recent: the stream is still on it.
    expect(await sweepPending(later(1), { olderThanMs: 10 * 60_000, limit: 100 })).toMatchObject({ found: 0 });

    // SES is down: the promoter is finished, the detractor stays pending with the failed step noted.
    email.send.mockRejectedValue(new Error('SES unavailable'));
    const first = await sweepPending(later(11), { olderThanMs: 10 * 60_000, limit: 100 });
    expect(first).toMatchObject({ found: 2, completed: 1, failed: [{ responseId: 'r-bad', step: 'email', message: expect.stringContaining('SES unavailable') }] });
    expect(store.failures.get('r-bad')).toMatchObject({ step: 'email' });
    expect([...store.pending.keys()]).toEqual(['r-bad']);

    // SES is back: once its retry is due (a minute after the failure, plus the sweeper's 10 minutes of age)
    // the sweep sends the alert once and nothing is left.
    email.send.mockImplementation(async (m: EmailMessage) => void mails.push(m));
    expect(store.failures.get('r-bad')).toMatchObject({ attempts: 1, retryAt: expect.any(String) });
    expect(await sweepPending(later(16), { olderThanMs: 10 * 60_000, limit: 100 })).toMatchObject({ found: 0 });
    expect(await sweepPending(later(23), { olderThanMs: 10 * 60_000, limit: 100 })).toMatchObject({ found: 1, completed: 1, alerts: 1, failed: [] });
    expect(mails).toHaveLength(1);
    expect(store.pending.size).toBe(0);
    expect(store.failures.size).toBe(0);
    expect(await sweepPending(later(30), { olderThanMs: 0, limit: 100 })).toMatchObject({ found: 0 });
  });

  it('reports a response whose survey is gone instead of failing the sweep', async () => {
    const { store, later } = setup();
    await store.putResponse(response({ nps: 1 }, { id: 'r-orphan', surveyId: 'gone' }));
    expect(await sweepPending(later(20), { olderThanMs: 0, limit: 10 })).toMatchObject({ found: 1, failed: [{ responseId: 'r-orphan', step: 'survey' }] });
  });
});

describe('a customer erased while their answer is on its way', () => {
  it('erases an answer that arrives after the erasure, and alerts nobody', async () => {
    const { store, mails, later, erasure } = setup();
    await store.putSurvey(survey());
    await erasure.markErased(erasureSubject('s', 'c-gone'), new Date(Date.now() + 86_400_000));
    await store.putResponse(response({ nps: 1 }, { customerId: 'c-gone' }));
    const result = await processResponse(later(0), survey(), response({ nps: 1 }, { customerId: 'c-gone' }));
    expect(result).toMatchObject({ erased: true, alert: 'no-alert' });
    expect(store.responses.has('resp1')).toBe(false);
    expect(store.alerts.size).toBe(0);
    expect(mails).toHaveLength(0);
    expect(erasure.audits).toEqual([expect.objectContaining({ action: 'erase-on-arrival', by: 'system' })]);
  });

  it('erases the response and its case when the erasure comes while it is processed', async () => {
    const { store, email, later, erasure } = setup();
    await store.putSurvey(survey());
    await store.putResponse(response({ nps: 1 }, { customerId: 'c-racing' }));
    // The erasure lands while the owner's alert is being sent.
    email.send.mockImplementationOnce(async () => erasure.markErased(erasureSubject('s', 'c-racing'), new Date(Date.now() + 86_400_000)));
    const result = await processResponse(later(0), survey(), response({ nps: 1 }, { customerId: 'c-racing' }));
    expect(result).toMatchObject({ erased: true });
    expect(store.responses.has('resp1')).toBe(false);
    expect(store.alerts.has('resp1')).toBe(false);
  });
});

describe('the sweeper under responses that keep failing', () => {
  it('keeps newer work flowing past 300 responses that fail every time, backs them off, and parks them', async () => {
    const { store, later } = setup();
    await store.putSurvey(survey());
    // 300 answers of a survey that no longer exists (they fail at the first step, every time), then a good one.
    for (let i = 0; i < 300; i++) {
      const id = `bad-${String(i).padStart(3, '0')}`;
      await store.putResponse(response({ nps: 5 }, { id, surveyId: 'gone' }));
      store.pending.set(id, `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`);
    }
    await store.putResponse(response({ nps: 2 }, { id: 'good', customerId: 'c-good' }));
    store.pending.set('good', '2026-01-02T00:00:00.000Z');

    // As the schedule sweeps (any age above 0 keeps the deferred retries for later).
    const sweep = (minutes: number) => sweepPending(later(minutes), { olderThanMs: 1, limit: 200 });
    expect(await sweep(0)).toMatchObject({ found: 200, completed: 0 });
    // The 200 that failed wait for their retry: the rest, and the good one behind them, go now.
    const second = await sweep(0);
    expect(second).toMatchObject({ found: 101, completed: 1 });
    expect(store.responses.get('good')!.pending).toBeUndefined();

    // Over the next hours each bad one is tried again less and less often, and parked after its 8th failure.
    for (let minute = 1; minute <= 240; minute++) await sweep(minute);
    expect(store.parked.size).toBe(300);
    expect(store.pending.size).toBe(0);
    expect(new Set([...store.failures.values()].map((f) => f.attempts))).toEqual(new Set([8]));
    expect(await parkedResponses(later(240), 1000)).toHaveLength(300);
    // Put back by an operator, they are swept at once (and fail again).
    expect(await retryParked(later(241), 1000)).toBe(300);
    expect(await sweepPending(later(241), { olderThanMs: 0, limit: 1000 })).toMatchObject({ found: 300 });
  });
});

describe('a one-click score and the comment its page adds', () => {
  const oneClick = (now: Date) => response({ nps: 1 }, { channel: 'email', status: 'partial', invitationId: 'inv-1', submittedAt: now.toISOString() });
  const completed = (now: Date) => ({ ...oneClick(now), status: 'complete' as const, answers: { nps: 1, comment: 'The parcel came broken' }, revision: 2 });

  it('waits for the comment, and alerts once with it when the page is completed within the wait', async () => {
    const { store, mails, later } = setup();
    await store.putSurvey(survey());
    const deps = later(0);
    await store.putResponse(oneClick(deps.now));
    expect(await processResponse(deps, survey(), oneClick(deps.now))).toMatchObject({ alert: 'held', completed: false });
    expect(mails).toHaveLength(0);
    expect(store.held.has('resp1')).toBe(true);
    // The page's button, a minute later: a new revision, processed by the stream.
    await store.saveResponseRevision(completed(deps.now));
    expect(await processResponse(later(1), survey(), completed(deps.now))).toMatchObject({ alert: 'opened', completed: true });
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('> The parcel came broken');
    // Nothing left for the sweeper when the wait ends.
    expect(await sweepPending(later(5), { olderThanMs: 0, limit: 10 })).toMatchObject({ found: 0 });
    expect(mails).toHaveLength(1);
  });

  it('alerts when the wait is over, then gives the case the late comment and sends the owner a follow-up once', async () => {
    const { store, mails, later } = setup();
    await store.putSurvey(survey());
    const start = later(0).now;
    await store.putResponse(oneClick(start));
    await processResponse(later(0), survey(), oneClick(start));
    // Still waiting after a minute; the sweep after two minutes sends the alert without a comment.
    expect(await sweepPending(later(1), { olderThanMs: 10 * 60_000, limit: 10 })).toMatchObject({ found: 0 });
    expect(await sweepPending(later(2.5), { olderThanMs: 10 * 60_000, limit: 10 })).toMatchObject({ found: 1, completed: 1, alerts: 1 });
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^NPS 1 · delivery · .* · critical$/)]);
    expect(mails[0].text).toContain('> (none)');

    await store.saveResponseRevision(completed(start));
    for (let retry = 0; retry < 2; retry++) await processResponse(later(4), survey(), completed(start));
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^NPS 1 · delivery · .* · critical$/), expect.stringMatching(/^Comment added: NPS 1 · delivery/)]);
    expect(mails[1].text).toContain('> The parcel came broken');
    const kase = store.alerts.get('resp1')!;
    expect(kase.comment).toBe('The parcel came broken');
    expect(kase.history.map((h) => `${h.action} by ${h.by}`)).toEqual(['opened by system', 'comment by customer']);
  });
});

describe('processResponse and the comment analysis', () => {
  const readsThemes = (base = survey()) => ({
    ...base,
    alertRules: { surveyId: base.id, version: 1, updatedAt: '2026-12-01T00:00:00Z', updatedBy: 'test', rules: [{ id: 'refunds', name: 'Refunds', severity: 'low' as const, enabled: true, when: { field: 'comment.negativeThemes', op: 'contains' as const, value: 'refunds' } }] },
  });

  it('waits for the analysis when a rule reads it, and stores it with the completion', async () => {
    const { store, later } = setup();
    const promoter = response({ nps: 10, comment: 'great app but still no refund' }, { analysisOwed: true });
    await store.putSurvey(readsThemes());
    await store.putResponse(promoter);
    const result = await processResponse(later(0), readsThemes(), promoter);
    expect(result.alert).toBe('opened');
    const stored = store.responses.get('resp1')!;
    expect(stored.analysis).toMatchObject({ revision: 1, themes: ['digital', 'refunds'] });
    expect(stored.analysisOwed).toBeUndefined();
    expect(store.alerts.get('resp1')).toMatchObject({ severity: 'low' });
  });

  it("never holds a case up for the analyzer when no rule reads it: an analyzer that is down changes nothing", async () => {
    const { store, later } = setup();
    const detractor = response({ nps: 1, comment: 'the parcel never arrived' }, { analysisOwed: true });
    await store.putSurvey(survey());
    await store.putResponse(detractor);
    const down = { name: 'comprehend' as const, read: jest.fn(async () => Promise.reject(new Error('ThrottlingException'))) };
    const result = await processResponse({ ...later(0), reader: down }, survey(), detractor);
    expect(result).toMatchObject({ alert: 'opened', completed: true });
    expect(down.read).not.toHaveBeenCalled();
    // Read after, by the same consumer, in a write of its own.
    expect(store.responses.get('resp1')).toMatchObject({ analysisOwed: true });
    expect(store.responses.get('resp1')!.analysis).toBeUndefined();
  });

  it('leaves the response pending, failed at "analysis", when the analyzer is down and a rule waits for it', async () => {
    const { store, later } = setup();
    const promoter = response({ nps: 10, comment: 'great app but still no refund' }, { analysisOwed: true });
    await store.putSurvey(readsThemes());
    await store.putResponse(promoter);
    const down = { name: 'comprehend' as const, read: async () => Promise.reject(new Error('ThrottlingException')) };
    await expect(processResponse({ ...later(0), reader: down }, readsThemes(), promoter)).rejects.toMatchObject({ step: 'analysis' });
    expect(store.alerts.size).toBe(0);
    expect(store.pending.has('resp1')).toBe(true);
  });
});
