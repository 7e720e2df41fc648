import type { CustomerProfile } from './customer-schema';

/** The profile fields frozen into a response when it is processed: what was true when the customer answered. */
export const SNAPSHOT_FIELDS = ['segment', 'lifetimeValue', 'contractState', 'contractEndsAt', 'lastTransactionAt', 'lastTransactionAmount', 'accountManager'] as const;
export type ProfileSnapshot = Partial<Pick<CustomerProfile, (typeof SNAPSHOT_FIELDS)[number]>> & { readonly takenAt: string };

export function snapshotOf(profile: CustomerProfile | undefined, now: Date): ProfileSnapshot | undefined {
  if (!profile) return undefined;
  const fields = Object.fromEntries(SNAPSHOT_FIELDS.filter((f) => profile[f] !== undefined).map((f) => [f, profile[f]]));
  return { ...fields, takenAt: now.toISOString() };
}
