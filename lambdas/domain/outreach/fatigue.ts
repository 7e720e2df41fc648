import * as z from 'zod/mini';
import '../../shared/zod';
import type { FeedbackStore } from '../ports';

/**
 * Contact-fatigue rules: no invitation when the person was invited in the last `invitedWithinDays` days on
 * any channel, or answered in the last `answeredWithinDays` days, or already got `maxPerQuarter`
 * invitations in the last 90 days. Set globally (admin API) and per survey (`fatigue`), the survey's own
 * values winning field by field.
 */
export const FatigueRulesSchema = z.strictObject({
  invitedWithinDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(365))),
  answeredWithinDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(365))),
  maxPerQuarter: z.optional(z.number().check(z.int(), z.gte(1), z.lte(90))),
});
export type FatigueRules = z.infer<typeof FatigueRulesSchema>;

/** What the table remembers of one person's contacts, merged over their e-mail, phone and customer id. */
export interface ContactHistory {
  readonly invitedAt: readonly string[];
  readonly answeredAt?: string;
}

const DAY_MS = 86_400_000;

export const effectiveRules = (global: FatigueRules | undefined, survey: FatigueRules | undefined): FatigueRules => ({ ...global, ...survey });

/** Why the person must not be invited now, or undefined. Pure. */
export function fatigueReason(rules: FatigueRules, history: ContactHistory, now: Date): string | undefined {
  const since = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const lastInvited = [...history.invitedAt].sort().at(-1);
  if (rules.answeredWithinDays && history.answeredAt && history.answeredAt > since(rules.answeredWithinDays)) {
    return `answered on ${history.answeredAt.slice(0, 10)}, within ${rules.answeredWithinDays} days`;
  }
  if (rules.invitedWithinDays && lastInvited && lastInvited > since(rules.invitedWithinDays)) {
    return `invited on ${lastInvited.slice(0, 10)}, within ${rules.invitedWithinDays} days`;
  }
  if (rules.maxPerQuarter) {
    const recent = history.invitedAt.filter((at) => at > since(90)).length;
    if (recent >= rules.maxPerQuarter) return `invited ${recent} times in 90 days (at most ${rules.maxPerQuarter})`;
  }
  return undefined;
}

/** Two histories of the same person (their e-mail and their customer id, say) as one. */
export const mergeHistories = (histories: readonly (ContactHistory | undefined)[]): ContactHistory => ({
  invitedAt: [...new Set(histories.flatMap((h) => h?.invitedAt ?? []))],
  ...(() => {
    const answered = histories.map((h) => h?.answeredAt).filter((a): a is string => Boolean(a)).sort().at(-1);
    return answered ? { answeredAt: answered } : {};
  })(),
});

/**
 * Why this person must not be invited to this survey now (contact fatigue), or undefined. Reads the global
 * rules and the person's history only when some rule applies.
 */
export async function fatigued(
  store: Pick<FeedbackStore, 'getFatigueSettings' | 'getContactHistory'>,
  keys: readonly string[],
  surveyRules: FatigueRules | undefined,
  now: Date,
): Promise<string | undefined> {
  const rules = effectiveRules(await store.getFatigueSettings(), surveyRules);
  if (!rules.invitedWithinDays && !rules.answeredWithinDays && !rules.maxPerQuarter) return undefined;
  return fatigueReason(rules, mergeHistories(await Promise.all(keys.map((k) => store.getContactHistory(k)))), now);
}

/** Remembers a contact for every identity of the person; a failure here never undoes what was sent. */
export async function rememberContact(store: Pick<FeedbackStore, 'recordContact'>, keys: readonly string[], kind: 'invited' | 'answered', at: string): Promise<void> {
  await Promise.all(keys.map((k) => store.recordContact(k, kind, at).catch(() => undefined)));
}
