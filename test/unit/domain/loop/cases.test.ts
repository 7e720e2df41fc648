import { openCase } from '../../../../lambdas/domain/loop/alerts';
import { caseMessages } from '../../../../lambdas/views/messages';
import { actOnCase, applyCaseAction, dueEscalation, escalateDueCases, nextDeadline, parkedCases } from '../../../../lambdas/domain/loop/cases';
import { CaseActionSchema, type CaseAction } from '../../../../lambdas/domain/loop/case-requests';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import { MemoryStore } from '../../support/memory-store';
import { NOW, response, survey } from '../../support/fixtures';

const hours = (h: number) => new Date(NOW.getTime() + h * 3600_000);
const opened = () => openCase(survey({ alert: { acknowledgeHours: 2, slaHours: 24, escalateTo: 'manager@example.com' } }), response({ nps: 1 }), NOW)!;
const act = (action: CaseAction['action'], extra: Record<string, unknown> = {}) => CaseActionSchema.parse({ action, ...extra });

describe('case lifecycle', () => {
  it('goes open → acknowledged → resolved → reopened, each change an event with who and when', () => {
    let kase = opened();
    expect(kase).toMatchObject({ status: 'open', acknowledgeBy: hours(2).toISOString(), dueAt: hours(24).toISOString(), escalateTo: 'manager@example.com' });
    kase = applyCaseAction(kase, act('acknowledge'), 'owner:lead@example.com', hours(1));
    kase = applyCaseAction(kase, act('note', { note: 'Called the customer, replacing the parcel' }), 'owner:lead@example.com', hours(1.5));
    kase = applyCaseAction(kase, act('assign', { owner: 'ops@example.com', team: 'logistics' }), 'api-key:admin', hours(2));
    kase = applyCaseAction(kase, act('resolve', { resolution: 'compensated' }), 'owner:ops@example.com', hours(3));
    expect(kase).toMatchObject({ status: 'resolved', owner: 'ops@example.com', team: 'logistics', acknowledgedAt: hours(1).toISOString(), resolvedAt: hours(3).toISOString(), resolution: 'compensated' });
    expect(kase.history.map((h) => [h.action, h.by])).toEqual([
      ['opened', 'system'],
      ['acknowledge', 'owner:lead@example.com'],
      ['note', 'owner:lead@example.com'],
      ['assign', 'api-key:admin'],
      ['resolve', 'owner:ops@example.com'],
    ]);
    expect(kase.history[2].note).toBe('Called the customer, replacing the parcel');
    const reopened = applyCaseAction(kase, act('reopen'), 'api-key:admin', hours(4));
    expect(reopened.status).toBe('open');
    expect(reopened.resolvedAt).toBeUndefined();
  });

  it.each([
    ['resolved', 'acknowledge'],
    ['resolved', 'resolve'],
    ['resolved', 'assign'],
    ['open', 'reopen'],
    ['acknowledged', 'acknowledge'],
  ] as const)('refuses %s → %s with 409', (status, action) => {
    const kase = { ...opened(), status };
    const extra = action === 'resolve' ? { resolution: 'duplicate' } : action === 'assign' ? { owner: 'x@example.com' } : {};
    expect(() => applyCaseAction(kase, act(action, extra), 'someone', NOW)).toThrow(expect.objectContaining({ status: 409, code: 'illegal_transition' }));
  });

  it('refuses malformed actions', () => {
    expect(CaseActionSchema.safeParse({ action: 'delete' }).success).toBe(false);
    expect(CaseActionSchema.safeParse({ action: 'resolve', resolution: 'whatever' }).success).toBe(false);
    expect(CaseActionSchema.safeParse({ action: 'note' }).success).toBe(false);
    expect(CaseActionSchema.safeParse({ action: 'assign', owner: 'x@example.com', team: 'a\nb' }).success).toBe(false);
  });

  it('does not lose a concurrent action: the later one is re-applied to the fresh case', async () => {
    const store = new MemoryStore();
    await store.putAlert(opened());
    const [a, b] = await Promise.allSettled([
      actOnCase({ cases: store, now: hours(1) }, 'resp1', act('note', { note: 'first' }), 'a'),
      actOnCase({ cases: store, now: hours(1) }, 'resp1', act('note', { note: 'second' }), 'b'),
    ]);
    expect([a.status, b.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(store.alerts.get('resp1')!.history.map((h) => h.note).filter(Boolean).sort()).toEqual(['first', 'second']);
    await expect(actOnCase({ cases: store, now: NOW }, 'nope', act('acknowledge'), 'a')).rejects.toMatchObject({ status: 404 });
  });
});

describe('SLA escalation (fake clock)', () => {
  function setup() {
    const store = new MemoryStore();
    const mails: EmailMessage[] = [];
    const published: Record<string, unknown>[] = [];
    const email = { send: jest.fn(async (m: EmailMessage) => void mails.push(m)) };
    const publisher = { publish: jest.fn(async (m: object) => void published.push(m as Record<string, unknown>)) };
    const at = (h: number) => ({ cases: store, messages: caseMessages, email, publisher, now: hours(h), caseLink: (k: { id: string }, to: string) => `https://cx.example.org/c/${k.id}?for=${to}` });
    return { store, mails, published, email, publisher, at };
  }

  it('escalates once per level: not acknowledged in time, then not resolved in time', async () => {
    const { store, mails, published, at } = setup();
    await store.putAlert(opened());
    expect(await escalateDueCases(at(1))).toEqual({ escalated: 0, notices: 0, failed: [] });
    expect(await escalateDueCases(at(2.5))).toEqual({ escalated: 1, notices: 1, failed: [] });
    expect(await escalateDueCases(at(3))).toEqual({ escalated: 0, notices: 0, failed: [] });
    expect(mails.map((m) => [m.to, m.subject.slice(0, 18)])).toEqual([['manager@example.com', 'Escalated (level 1']]);
    expect(published[0]).toMatchObject({ type: 'cx.case.escalated', level: 1, caseId: 'resp1' });
    expect(store.alerts.get('resp1')).toMatchObject({ status: 'escalated', escalationLevel: 1 });
    // Acknowledged late: the resolve deadline still holds.
    await actOnCase({ cases: store, now: hours(4) }, 'resp1', act('acknowledge'), 'owner:lead@example.com');
    expect(await escalateDueCases(at(25))).toMatchObject({ escalated: 1, notices: 1 });
    expect(await escalateDueCases(at(48))).toMatchObject({ escalated: 0, notices: 0 });
    expect(store.alerts.get('resp1')!.history.filter((h) => h.action === 'escalated').map((h) => h.details)).toEqual([
      `level 1 to manager@example.com: not acknowledged by ${hours(2).toISOString()}`,
      `level 2 to manager@example.com: not resolved by ${hours(24).toISOString()}`,
    ]);
    expect(mails).toHaveLength(2);
  });

  it('never escalates a case acknowledged in time and resolved in time', async () => {
    const { store, mails, at } = setup();
    await store.putAlert(opened());
    await actOnCase({ cases: store, now: hours(1) }, 'resp1', act('acknowledge'), 'o');
    await actOnCase({ cases: store, now: hours(5) }, 'resp1', act('resolve', { resolution: 'resolved-with-customer' }), 'o');
    expect(nextDeadline(store.alerts.get('resp1')!)).toBeUndefined();
    await escalateDueCases(at(100));
    expect(mails).toHaveLength(0);
  });

  it('retries a notice that failed, without escalating twice', async () => {
    const { store, mails, email, at } = setup();
    await store.putAlert(opened());
    email.send.mockRejectedValueOnce(new Error('SES down'));
    expect(await escalateDueCases(at(3))).toEqual({ escalated: 1, notices: 0, failed: ['resp1'] });
    expect(store.alerts.get('resp1')).toMatchObject({ escalationLevel: 1, pendingNotice: 1 });
    expect(dueEscalation(store.alerts.get('resp1')!, hours(3))).toBeUndefined();
    expect(await escalateDueCases(at(3.1))).toEqual({ escalated: 0, notices: 1, failed: [] });
    expect(mails).toHaveLength(1);
    expect(store.alerts.get('resp1')!.pendingNotice).toBeUndefined();
    expect(store.alerts.get('resp1')!.history.filter((h) => h.action === 'escalated')).toHaveLength(1);
  });

  it('keeps escalating newer cases past 300 whose notice fails every time, backs those off, and parks them', async () => {
    const { store, mails, email, at } = setup();
    // 300 cases escalating to an address the provider refuses, each due before the one good case.
    const broken = survey({ alert: { acknowledgeHours: 2, slaHours: 24, escalateTo: 'broken@example.com' } });
    for (let i = 0; i < 300; i++) await store.putAlert({ ...openCase(broken, response({ nps: 1 }, { id: `bad-${i}` }), new Date(NOW.getTime() - 3600_000))!, acknowledgeBy: hours(1 + i / 1000).toISOString() });
    await store.putAlert(opened());
    email.send.mockImplementation(async (m: EmailMessage) => {
      if (m.to === 'broken@example.com') throw new Error('address refused');
      mails.push(m);
    });
    expect(await escalateDueCases(at(2.5))).toMatchObject({ escalated: 200, notices: 0 });
    // The 200 that failed wait for their retry; the other 100 and the good case go in the next run.
    expect(await escalateDueCases(at(2.5))).toMatchObject({ escalated: 101, notices: 1 });
    expect(mails.map((m) => m.to)).toEqual(['manager@example.com']);
    for (let minute = 1; minute <= 240; minute += 1) await escalateDueCases(at(2.5 + minute / 60));
    expect(await store.listParkedCases(1000)).toHaveLength(300);
    expect(await store.listDueCases(hours(100).toISOString(), 1000)).toEqual(['resp1']);
    expect((await parkedCases({ cases: store }, 1000))[0].failure).toMatchObject({ attempts: 8, parked: true, message: expect.stringContaining('address refused') });
  });

  it('sends the e-mail of an escalation once while SNS keeps failing, and the topic message once it is back', async () => {
    const { store, mails, published, publisher, at } = setup();
    await store.putAlert(opened());
    publisher.publish.mockRejectedValue(new Error('SNS down'));
    for (const h of [3, 3.1, 3.2, 3.3]) expect(await escalateDueCases(at(h))).toMatchObject({ notices: 0, failed: ['resp1'] });
    expect(mails).toHaveLength(1);
    expect(store.alerts.get('resp1')).toMatchObject({ pendingNotice: 1, notifications: { 'escalation1-email': 'sent' } });
    // Someone acknowledges meanwhile: the notice still completes on the case as it is now.
    await actOnCase({ cases: store, now: hours(3.35) }, 'resp1', act('acknowledge'), 'owner:lead@example.com');
    publisher.publish.mockImplementation(async (m: object) => void published.push(m as Record<string, unknown>));
    // Each failure put the next try further off (1, 2, 4, 8 minutes): not yet due ten minutes later, due after.
    expect(store.alerts.get('resp1')!.noticeFailure).toMatchObject({ attempts: 4 });
    expect(await escalateDueCases(at(3.4))).toEqual({ escalated: 0, notices: 0, failed: [] });
    expect(await escalateDueCases(at(3.6))).toEqual({ escalated: 0, notices: 1, failed: [] });
    expect(await escalateDueCases(at(3.7))).toEqual({ escalated: 0, notices: 0, failed: [] });
    expect(mails).toHaveLength(1);
    expect(published).toEqual([expect.objectContaining({ type: 'cx.case.escalated', level: 1 })]);
    expect(store.alerts.get('resp1')).toMatchObject({ status: 'acknowledged', notifications: { 'escalation1-email': 'sent', 'escalation1-sns': 'sent' } });
    expect(store.alerts.get('resp1')!.pendingNotice).toBeUndefined();
  });
});
