import { effectiveRules, fatigueReason, fatigued } from '../../../../lambdas/domain/outreach/fatigue';
import { invitationMessages } from '../../../../lambdas/views/messages';
import { mergeHistories } from '../../../../lambdas/domain/people/contact-history';
import { sendInvitations, InvitationRequestSchema } from '../../../../lambdas/domain/outreach/invitations';
import { contactKeys } from '../../../../lambdas/domain/people/identities';
import { MemoryStore } from '../../support/memory-store';
import { NOW, survey } from '../../support/fixtures';

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

describe('contact-fatigue rules', () => {
  it('holds back a person invited or answering recently, or invited too often this quarter', () => {
    expect(fatigueReason({ invitedWithinDays: 30 }, { invitedAt: [daysAgo(10)] }, NOW)).toMatch(/^invited on .* within 30 days$/);
    expect(fatigueReason({ invitedWithinDays: 30 }, { invitedAt: [daysAgo(31)] }, NOW)).toBeUndefined();
    expect(fatigueReason({ answeredWithinDays: 60 }, { invitedAt: [], answeredAt: daysAgo(59) }, NOW)).toMatch(/^answered on/);
    expect(fatigueReason({ maxPerQuarter: 3 }, { invitedAt: [daysAgo(80), daysAgo(50), daysAgo(20)] }, NOW)).toBe('invited 3 times in 90 days (at most 3)');
    expect(fatigueReason({ maxPerQuarter: 3 }, { invitedAt: [daysAgo(100), daysAgo(50), daysAgo(20)] }, NOW)).toBeUndefined();
    expect(fatigueReason({}, { invitedAt: [daysAgo(0)], answeredAt: daysAgo(0) }, NOW)).toBeUndefined();
  });

  it('lets a survey override the global rules field by field, and merges a person\'s identities', () => {
    expect(effectiveRules({ invitedWithinDays: 30, maxPerQuarter: 2 }, { invitedWithinDays: 7 })).toEqual({ invitedWithinDays: 7, maxPerQuarter: 2 });
    expect(mergeHistories([{ invitedAt: ['a'] }, { invitedAt: ['b', 'a'], answeredAt: '2026-01-01' }, undefined])).toEqual({ invitedAt: ['a', 'b'], answeredAt: '2026-01-01' });
  });

  it('reads nothing when no rule is set', async () => {
    const store = new MemoryStore();
    const history = jest.spyOn(store, 'getContactHistory');
    expect(await fatigued({ settings: store, contacts: store }, ['k'], undefined, NOW)).toBeUndefined();
    expect(history).not.toHaveBeenCalled();
  });

  it('e-mail invitations skip a person invited on another channel within the window, and remember each send', async () => {
    const store = new MemoryStore();
    store.fatigue = { invitedWithinDays: 30 };
    const deps = { ...store.ports, messages: invitationMessages, email: { send: jest.fn(async () => undefined) }, tokenSecret: 's', publicUrl: 'https://cx.example.org', now: NOW };
    // Texted five days ago, recorded under the customer id.
    const [customerKey] = contactKeys('s', { customerId: 'c-1' });
    await store.recordContact(customerKey, 'invited', daysAgo(5));
    const request = InvitationRequestSchema.parse({ contacts: [{ email: 'ann@example.com', customerId: 'c-1' }, { email: 'bob@example.com' }] });
    const results = await sendInvitations(deps, survey(), request);
    expect(results.map((r) => [r.email, r.status])).toEqual([
      ['ann@example.com', 'suppressed'],
      ['bob@example.com', 'sent'],
    ]);
    expect(results[0].reason).toMatch(/within 30 days/);
    const [bobKey] = contactKeys('s', { email: 'bob@example.com' });
    expect(store.contacts.get(bobKey)).toEqual({ invitedAt: [NOW.toISOString()] });
    // A survey may allow more: its own rule wins.
    const lenient = await sendInvitations(deps, survey({ fatigue: { invitedWithinDays: 2 } }), InvitationRequestSchema.parse({ contacts: [{ email: 'ann@example.com', customerId: 'c-1' }] }));
    expect(lenient[0].status).toBe('sent');
  });
});
