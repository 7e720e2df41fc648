import { eraseCustomer, erasureSubject } from '../../../../lambdas/domain/people/erasure';
import { contactKeys } from '../../../../lambdas/domain/people/identities';
import { MemoryStore } from '../../support/memory-store';
import { MemoryErasure } from '../../support/memory-erasure';
import { NOW, response } from '../../support/fixtures';

describe('erasing a customer', () => {
  it('deletes what the timeline points at, the phone and contact traces, then the profile and timeline; the audit names only a keyed hash', async () => {
    const store = new MemoryStore();
    await store.putCustomer({ customerId: 'c-1', email: 'Ann@Example.com', phone: '+14155550100', updatedAt: NOW.toISOString() } as never);
    await store.putResponse(response({ nps: 1 }, { id: 'r-1', customerId: 'c-1', contact: { email: 'ann.work@example.com' } }));
    const erasure = new MemoryErasure(store);
    erasure.put('CUSTOMER#c-1');
    erasure.put('CUSTOMER#c-1', 'RESPONSE#2026-11-24#r-1', 'r-1');
    erasure.put('CUSTOMER#c-1', 'CASE#2026-11-24#r-1', 'r-1');
    erasure.put('CUSTOMER#c-1', 'INVITATION#2026-11-24#i-1', 'i-1');
    for (const pk of ['RESPONSE#r-1', 'ALERT#r-1', 'INVITATION#i-1', 'CONVERSATION#sms#+14155550100', 'PHONE#+14155550100']) erasure.put(pk);
    // Contact history under every identity, including the address only the response knew.
    for (const key of contactKeys('secret', { customerId: 'c-1' })) erasure.put(`CONTACT#${key}`);
    for (const key of contactKeys('secret', { email: 'ann.work@example.com' })) erasure.put(`CONTACT#${key}`);
    erasure.put('SUPPRESS#kept');

    const audit = await eraseCustomer({ customers: store, erasure, tokenSecret: 'secret' }, 'c-1', 'api-key:ops', NOW);
    expect(audit.erased).toEqual({ profile: 1, responses: 1, cases: 1, invitations: 1, conversations: 1, phoneMappings: 1, contactHistory: 2, timeline: 3 });
    expect([...erasure.items.keys()]).toEqual(['SUPPRESS#kept|META']);
    expect(audit).toMatchObject({ by: 'api-key:ops', subject: erasureSubject('secret', 'c-1'), at: NOW.toISOString() });
    expect(JSON.stringify(audit)).not.toContain('c-1');
    expect(erasure.audits).toEqual([audit]);

    // Remembered as a keyed hash for a week, so answers still on their way are erased on arrival.
    expect(audit.erasesOnArrivalUntil).toBe(new Date(NOW.getTime() + 7 * 86_400_000).toISOString());
    expect(await erasure.erasedRecently(erasureSubject('secret', 'c-1'), new Date(NOW.getTime() + 6 * 86_400_000))).toBe(true);
    expect(await erasure.erasedRecently(erasureSubject('secret', 'c-1'), new Date(NOW.getTime() + 8 * 86_400_000))).toBe(false);
    const again = await eraseCustomer({ customers: store, erasure, tokenSecret: 'secret' }, 'c-1', 'api-key:ops', NOW);
    expect(Object.values(again.erased).every((n) => n === 0)).toBe(true);
  });
});
