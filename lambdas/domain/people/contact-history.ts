import type { ContactHistory, ContactHistoryStore } from './ports';

/** Two histories of the same person (their e-mail and their customer id, say) as one. */
export const mergeHistories = (histories: readonly (ContactHistory | undefined)[]): ContactHistory => ({
  invitedAt: [...new Set(histories.flatMap((h) => h?.invitedAt ?? []))],
  ...(() => {
    const answered = histories.map((h) => h?.answeredAt).filter((a): a is string => Boolean(a)).sort().at(-1);
    return answered ? { answeredAt: answered } : {};
  })(),
});

/** Remembers a contact for every identity of the person; a failure here never undoes what was sent. */
export async function rememberContact(store: Pick<ContactHistoryStore, 'recordContact'>, keys: readonly string[], kind: 'invited' | 'answered', at: string): Promise<void> {
  await Promise.all(keys.map((k) => store.recordContact(k, kind, at).catch(() => undefined)));
}
