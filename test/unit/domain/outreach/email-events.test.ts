import { applyEmailEvent } from '../../../../lambdas/domain/outreach/email-events';
import { isSuppressed } from '../../../../lambdas/domain/outreach/suppression';
import { MemoryStore } from '../../support/memory-store';
import { NOW } from '../../support/fixtures';

const sesEvent = (eventType: string, more: object = {}, invitationId = 'inv-1') => ({ eventType, mail: { messageId: 'm-1', tags: { invitationId: [invitationId], 'ses:configuration-set': ['x'] } }, ...more });

describe('SES e-mail events', () => {
  const setup = async () => {
    const store = new MemoryStore();
    await store.putInvitation({ id: 'inv-1', surveyId: 's1', channel: 'email', contact: { email: 'ann@example.com' }, createdAt: NOW.toISOString(), expiresAt: 0 });
    return { store, deps: { ...store.ports, tokenSecret: 'secret' } };
  };

  it('notes a delivery once, with the provider\'s time', async () => {
    const { store, deps } = await setup();
    expect(await applyEmailEvent(deps, sesEvent('Delivery', { delivery: { timestamp: '2026-11-24T12:00:05.000Z' } }), NOW)).toBe('delivered');
    await applyEmailEvent(deps, sesEvent('Delivery', { delivery: { timestamp: '2026-11-24T13:00:00.000Z' } }), NOW);
    expect((await store.getInvitation('inv-1'))?.deliveredAt).toBe('2026-11-24T12:00:05.000Z');
  });

  it('a permanent bounce or a complaint suppresses the address; a transient bounce does not', async () => {
    const { store, deps } = await setup();
    expect(await applyEmailEvent(deps, sesEvent('Bounce', { bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'ann@example.com' }] } }), NOW)).toBe('bounced');
    expect(await isSuppressed(store, 'secret', { email: 'ann@example.com' })).toBe(false);
    await applyEmailEvent(deps, sesEvent('Bounce', { bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Ann@Example.com' }] } }), NOW);
    expect(await isSuppressed(store, 'secret', { email: 'ann@example.com' })).toBe(true);
    const other = await setup();
    await applyEmailEvent(other.deps, sesEvent('Complaint', { complaint: { complainedRecipients: [{ emailAddress: 'ann@example.com' }] } }), NOW);
    expect(await isSuppressed(other.store, 'secret', { email: 'ann@example.com' })).toBe(true);
    expect((await other.store.getInvitation('inv-1'))?.complainedAt).toBe(NOW.toISOString());
  });

  it('ignores events of other messages, unknown invitations, other kinds and junk, without throwing', async () => {
    const { deps } = await setup();
    for (const event of [sesEvent('Open'), sesEvent('Delivery', {}, 'unknown'), sesEvent('Delivery', {}, 'bad#id'), { eventType: 'Delivery', mail: {} }, null, 'text', { mail: { tags: { invitationId: 'not-a-list' } } }]) {
      expect(await applyEmailEvent(deps, event, NOW)).toBe('ignored');
    }
  });
});
