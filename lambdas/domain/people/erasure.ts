import { createHmac } from 'node:crypto';
import type { FeedbackStore } from '../ports';
import { contactKeys } from '../outreach/suppression';

/** Where an erasure deletes: items by key, and the customer's own partition. */
export interface ErasureStore {
  /** Every item of the customer's partition (profile and timeline pointers), as sort key and pointed-at id. */
  customerItems(customerId: string): Promise<{ readonly sk: string; readonly itemId?: string }[]>;
  deleteItem(pk: string, sk: string): Promise<boolean>;
  putAudit(record: ErasureAudit): Promise<void>;
  listAudit(month: string): Promise<ErasureAudit[]>;
}

/** What an erasure leaves behind: who erased how much of whom (as a keyed hash), and when. No personal data. */
export interface ErasureAudit {
  readonly auditId: string;
  readonly at: string;
  readonly action: 'erase-customer';
  /** The operator: the API key's name. */
  readonly by: string;
  /** HMAC of the customer id: the same person gives the same subject, nobody can read it back. */
  readonly subject: string;
  readonly erased: Readonly<Record<ErasedKind, number>>;
}

export type ErasedKind = 'profile' | 'responses' | 'cases' | 'invitations' | 'conversations' | 'phoneMappings' | 'contactHistory' | 'timeline';

export const erasureSubject = (secret: string, customerId: string) => createHmac('sha256', secret).update(`erasure:${customerId}`).digest('base64url').slice(0, 32);

/**
 * Erases a customer: their responses and cases (found through their timeline), the invitations sent to them,
 * their SMS conversations and phone mappings, their contact history, their profile and timeline. An
 * unsubscribe stays, as the keyed hash it already is, so they stay suppressed. Aggregates keep their
 * anonymous counts (the stream's deletions are not counted back). Safe to repeat: a second run finds nothing.
 */
export async function eraseCustomer(
  deps: { readonly store: Pick<FeedbackStore, 'getCustomer' | 'getResponse'>; readonly erasure: ErasureStore; readonly tokenSecret: string },
  customerId: string,
  by: string,
  now: Date,
): Promise<ErasureAudit> {
  const erased: Record<ErasedKind, number> = { profile: 0, responses: 0, cases: 0, invitations: 0, conversations: 0, phoneMappings: 0, contactHistory: 0, timeline: 0 };
  const count = async (kind: ErasedKind, pk: string, sk = 'META') => {
    if (await deps.erasure.deleteItem(pk, sk)) erased[kind] += 1;
  };
  const profile = await deps.store.getCustomer(customerId);
  const emails = new Set<string>(profile?.email ? [profile.email.toLowerCase()] : []);
  const phones = new Set<string>(profile?.phone ? [profile.phone] : []);
  const items = await deps.erasure.customerItems(customerId);
  for (const item of items) {
    if (!item.itemId) continue;
    if (item.sk.startsWith('RESPONSE#')) {
      const response = await deps.store.getResponse(item.itemId);
      if (response?.contact?.email) emails.add(response.contact.email.toLowerCase());
      if (response?.contact?.phone) phones.add(response.contact.phone);
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
  const audit: ErasureAudit = { auditId: `${at}#${erasureSubject(deps.tokenSecret, `${customerId}|${at}`).slice(0, 8)}`, at, action: 'erase-customer', by, subject: erasureSubject(deps.tokenSecret, customerId), erased };
  await deps.erasure.putAudit(audit);
  return audit;
}
