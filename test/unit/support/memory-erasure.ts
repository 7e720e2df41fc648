import type { ErasureAudit, ErasureStore } from '../../../lambdas/domain/people/ports';
import type { MemoryStore } from './memory-store';

/** The table as erasure sees it: items by partition and sort key. */
export class MemoryErasure implements ErasureStore {
  constructor(private readonly store: MemoryStore) {}
  readonly items = new Map<string, { pk: string; sk: string; itemId?: string }>();
  readonly audits: ErasureAudit[] = [];
  put(pk: string, sk = 'META', itemId?: string) {
    this.items.set(`${pk}|${sk}`, { pk, sk, ...(itemId && { itemId }) });
  }
  customerItems = async (customerId: string) => [...this.items.values()].filter((i) => i.pk === `CUSTOMER#${customerId}`).map(({ sk, itemId }) => ({ sk, ...(itemId && { itemId }) }));
  deleteItem = async (pk: string, sk: string) => {
    // Responses and cases live in the store the processing writes to.
    const fromStore = pk.startsWith('RESPONSE#') ? this.store.responses.delete(pk.slice(9)) : pk.startsWith('ALERT#') ? this.store.alerts.delete(pk.slice(6)) : false;
    return this.items.delete(`${pk}|${sk}`) || fromStore;
  };
  putAudit = async (record: ErasureAudit) => void this.audits.push(record);
  listAudit = async () => this.audits;
  responseContact = async (id: string) => (await this.store.getResponse(id))?.contact;
  /** Erasure marks, by keyed hash, with the time they lapse. */
  readonly marks = new Map<string, string>();
  markErased = async (subject: string, until: Date) => void this.marks.set(subject, until.toISOString());
  erasedRecently = async (subject: string, now: Date) => (this.marks.get(subject) ?? '') > now.toISOString();
}
