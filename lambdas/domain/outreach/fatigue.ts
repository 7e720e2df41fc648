import { mergeHistories } from '../people/contact-history';
import type { ContactHistory, ContactHistoryStore } from '../people/ports';
import type { FatigueRules } from '../surveys/survey-schema';
import type { FatigueSettingsStore } from './ports';

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

/**
 * Why this person must not be invited to this survey now (contact fatigue), or undefined. Reads the global
 * rules and the person's history only when some rule applies.
 */
export async function fatigued(
  stores: { readonly settings: FatigueSettingsStore; readonly contacts: Pick<ContactHistoryStore, 'getContactHistory'> },
  keys: readonly string[],
  surveyRules: FatigueRules | undefined,
  now: Date,
): Promise<string | undefined> {
  const rules = effectiveRules(await stores.settings.getFatigueSettings(), surveyRules);
  if (!rules.invitedWithinDays && !rules.answeredWithinDays && !rules.maxPerQuarter) return undefined;
  return fatigueReason(rules, mergeHistories(await Promise.all(keys.map((k) => stores.contacts.getContactHistory(k)))), now);
}
