import { createHmac } from 'node:crypto';
import { contactKeys } from './identities';
import type { CustomerStore, ErasedKind, ErasureAudit, ErasureStore } from './ports';

export const erasureSubject = (secret: string, customerId: string) => createHmac('sha256', secret).update(`erasure:${customerId}`).digest('base64url').slice(0, 32);

/**
 * Erases a customer: their responses and cases (found through their timeline), the invitations sent to them,
 * their SMS conversations and phone mappings, their contact history, their profile and timeline. An
 * unsubscribe stays, as the keyed hash it already is, so they stay suppressed. Aggregates keep their
 * anonymous counts (the stream's deletions are not counted back). Safe to repeat: a second run finds nothing.
 */
/** How long an erasure is remembered (as a keyed hash): answers in flight or arriving meanwhile are erased on arrival. */
export const ERASURE_MARK_DAYS = 7;

export type ErasureDeps = { readonly customers: Pick<CustomerStore, 'getCustomer'>; readonly erasure: Omit<ErasureStore, 'listAudit'>; readonly tokenSecret: string };

export async function eraseCustomer(deps: ErasureDeps, customerId: string, by: string, now: Date, action: ErasureAudit['action'] = 'erase-customer'): Promise<ErasureAudit> {
  // First the mark: an answer processed from now on sees it, and one processed before has left its pointers to find.
  const until = new Date(now.getTime() + ERASURE_MARK_DAYS * 86_400_000);
  if (action === 'erase-customer') await deps.erasure.markErased(erasureSubject(deps.tokenSecret, customerId), until);
  const erased: Record<ErasedKind, number> = { profile: 0, responses: 0, cases: 0, invitations: 0, conversations: 0, phoneMappings: 0, contactHistory: 0, timeline: 0 };
  const count = async (kind: ErasedKind, pk: string, sk = 'META') => {
    if (await deps.erasure.deleteItem(pk, sk)) erased[kind] += 1;
  };
  const profile = await deps.customers.getCustomer(customerId);
  const emails = new Set<string>(profile?.email ? [profile.email.toLowerCase()] : []);
  const phones = new Set<string>(profile?.phone ? [profile.phone] : []);
  const items = await deps.erasure.customerItems(customerId);
  for (const item of items) {
    if (!item.itemId) continue;
    if (item.sk.startsWith('RESPONSE#')) {
      const contact = await deps.erasure.responseContact(item.itemId);
      if (contact?.email) emails.add(contact.email.toLowerCase());
      if (contact?.phone) phones.add(contact.phone);
      await count('responses', `RESPONSE#${item.itemId}`);
    } else if (item.sk.startsWith('CASE#')) {
      await count('cases', `ALERT#${item.itemId}`);
    } else if (item.sk.startsWith('INVITATION#')) {
      await count('invitations', `INVITATION#${item.itemId}`);
    }
  }
  for (const phone of phones) {
    await count('conversations', `CONVERSATION#sms#${phone}`);
    await count('phoneMappings', `PHONE#${phone}`);
  }
  const identities = [{ customerId }, ...[...emails].map((email) => ({ email })), ...[...phones].map((phone) => ({ phone }))];
  for (const key of new Set(identities.flatMap((who) => contactKeys(deps.tokenSecret, who)))) await count('contactHistory', `CONTACT#${key}`);
  for (const item of items) await count(item.sk === 'META' ? 'profile' : 'timeline', `CUSTOMER#${customerId}`, item.sk);
  const at = now.toISOString();
  const audit: ErasureAudit = {
    auditId: `${at}#${erasureSubject(deps.tokenSecret, `${customerId}|${at}`).slice(0, 8)}`,
    at,
    action,
    by,
    subject: erasureSubject(deps.tokenSecret, customerId),
    erased,
    ...(action === 'erase-customer' && { erasesOnArrivalUntil: until.toISOString() }),
  };
  await deps.erasure.putAudit(audit);
  return audit;
}
