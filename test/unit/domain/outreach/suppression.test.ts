import { caseLinkToken } from '../../../../lambdas/domain/kernel/tokens';
import { isSuppressed, maskedAddress, unsubscribeToken, verifyUnsubscribeToken } from '../../../../lambdas/domain/outreach/suppression';
import { contactKeys } from '../../../../lambdas/domain/people/identities';
import { MemoryStore } from '../../support/memory-store';

describe('suppression', () => {
  it('keeps identities only as keyed hashes, the same for any spelling of an e-mail address', () => {
    const keys = contactKeys('s', { email: ' Ann@Example.com', phone: '+14155550100', customerId: 'c-1' });
    expect(keys).toHaveLength(3);
    expect(keys.join()).not.toMatch(/ann|example|4155550100|c-1/i);
    expect(contactKeys('s', { email: 'ann@example.com' })).toEqual([keys[0]]);
    expect(contactKeys('other-secret', { email: 'ann@example.com' })).not.toEqual([keys[0]]);
  });

  it('recognises a person suppressed through any of their identities', async () => {
    const store = new MemoryStore();
    const [, , customerKey] = contactKeys('s', { email: 'a@example.com', phone: '+14155550100', customerId: 'c-1' });
    await store.putSuppression(customerKey, 'now', 'sms-stop');
    expect(await isSuppressed(store, 's', { email: 'new-address@example.com', customerId: 'c-1' })).toBe(true);
    expect(await isSuppressed(store, 's', { email: 'new-address@example.com' })).toBe(false);
  });

  it('accepts only its own signed tokens', () => {
    const token = unsubscribeToken('s', { email: 'a@example.com', customerId: 'c-1' });
    expect(verifyUnsubscribeToken('s', token)).toEqual({ keys: contactKeys('s', { email: 'a@example.com', customerId: 'c-1' }) });
    const shown = unsubscribeToken('s', { email: 'jane.doe@example.com' }, { address: 'jane.doe@example.com', sender: 'surveys@shop.example' });
    expect(verifyUnsubscribeToken('s', shown)).toMatchObject({ address: 'j•••e@example.com', sender: 'surveys@shop.example' });
    expect(maskedAddress('ab@x.io')).toBe('a•••@x.io');
    expect(() => verifyUnsubscribeToken('other', token)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => verifyUnsubscribeToken('s', caseLinkToken('s', { caseId: 'c', owner: 'o@example.com', expiresAt: 9e9 }))).toThrow(expect.objectContaining({ status: 400 }));
    const forged = Buffer.from(JSON.stringify({ k: ['A'.repeat(32)] })).toString('base64url');
    expect(() => verifyUnsubscribeToken('s', `${forged}.${token.split('.')[1]}`)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
