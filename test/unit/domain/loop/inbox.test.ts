import { openCase } from '../../../../lambdas/domain/loop/alerts';
import { applyCaseAction } from '../../../../lambdas/domain/loop/cases';
import { CaseActionSchema } from '../../../../lambdas/domain/loop/case-requests';
import { inbox, inboxViews } from '../../../../lambdas/domain/loop/inbox';
import type { Caller } from '../../../../lambdas/domain/people/roles';
import { MemoryStore } from '../../support/memory-store';
import { NOW, response, survey } from '../../support/fixtures';

const manager = (scope: Caller['scope'], email?: string): Caller => ({ keyName: 'm', role: 'manager', scope, ...(email && { email }) });

describe('the case inbox', () => {
  it("lists a key's own cases only within its scope, overdue first", async () => {
    const store = new MemoryStore();
    const inScope = openCase(survey(), response({ nps: 1 }, { id: 'r-in', surveyId: 'srv1' }), new Date(NOW.getTime() - 10 * 3600_000))!;
    const outside = openCase({ ...survey(), id: 'srv2' }, response({ nps: 1 }, { id: 'r-out', surveyId: 'srv2' }), NOW)!;
    for (const kase of [inScope, outside]) await store.putAlert({ ...kase, owner: 'lead@example.com' });
    const lead = manager({ surveys: ['srv1'] }, 'lead@example.com');
    expect(inboxViews(lead)).toEqual(['team', 'mine']);
    const mine = await inbox(store, lead, 'mine', {}, NOW);
    expect(mine.rows.map((r) => r.kase.id)).toEqual(['r-in']);
    expect(mine.rows[0].deadline).toMatchObject({ level: 1, overdue: true });
    expect((await inbox(store, manager({ surveys: ['other'] }, 'lead@example.com'), 'mine', {}, NOW)).rows).toEqual([]);
    expect(inboxViews({ keyName: 'a', role: 'analyst', scope: {} })).toEqual([]);
  });

  it('escalates by hand one level at a time, refuses hostile addresses and disguised notes', () => {
    const kase = openCase(survey(), response({ nps: 1 }), NOW)!;
    const once = applyCaseAction(kase, { action: 'escalate', to: 'head@example.com', note: 'VIP' }, 'dashboard:m', NOW);
    expect(once).toMatchObject({ status: 'escalated', escalationLevel: 1, pendingNotice: 1, escalateTo: 'head@example.com' });
    // Its notice has not gone out yet: a second escalation waits for it.
    expect(() => applyCaseAction(once, { action: 'escalate', to: 'ceo@example.com', note: 'more' }, 'dashboard:m', NOW)).toThrow(expect.objectContaining({ status: 409 }));
    expect(CaseActionSchema.safeParse({ action: 'escalate', to: `${'a'.repeat(250)}@example.com`, note: 'x' }).success).toBe(false);
    expect(CaseActionSchema.safeParse({ action: 'note', note: 'hidden \u202e txt' }).success).toBe(false);
    expect(CaseActionSchema.safeParse({ action: 'note', note: 'two\nlines\tand a tab' }).success).toBe(true);
  });
});
