import * as z from 'zod';
import { DomainError } from './errors';
import { externalId, personName } from './identifiers';
import { isE164 } from './phone/ports';

/**
 * A customer as the CRM knows them: who they are, their segment and value, their contract and their last
 * transaction. Imported from CSV or JSON (re-imports upsert); joined with each new response.
 */
export const CustomerSchema = z
  .object({
    customerId: externalId(128),
    name: personName().optional(),
    email: z.email().optional(),
    phone: z.string().refine(isE164, 'must be an E.164 number, e.g. +14155550123').optional(),
    segment: externalId(64).optional(),
    lifetimeValue: z.coerce.number().min(0).max(1e12).optional(),
    contractState: z.enum(['active', 'notice-given', 'ended', 'trial', 'none']).optional(),
    contractEndsAt: z.iso.date().optional(),
    lastTransactionAt: z.iso.datetime({ offset: true }).optional(),
    lastTransactionAmount: z.coerce.number().min(-1e12).max(1e12).optional(),
    /** Who looks after this customer; alert rules can route cases to them. */
    accountManager: z.email().optional(),
  })
  .strict();
export type CustomerProfile = z.infer<typeof CustomerSchema> & { readonly updatedAt: string };

/** The profile fields frozen into a response when it is processed: what was true when the customer answered. */
export const SNAPSHOT_FIELDS = ['segment', 'lifetimeValue', 'contractState', 'contractEndsAt', 'lastTransactionAt', 'lastTransactionAmount', 'accountManager'] as const;
export type ProfileSnapshot = Partial<Pick<CustomerProfile, (typeof SNAPSHOT_FIELDS)[number]>> & { readonly takenAt: string };

export function snapshotOf(profile: CustomerProfile | undefined, now: Date): ProfileSnapshot | undefined {
  if (!profile) return undefined;
  const fields = Object.fromEntries(SNAPSHOT_FIELDS.filter((f) => profile[f] !== undefined).map((f) => [f, profile[f]]));
  return { ...fields, takenAt: now.toISOString() };
}

export const MAX_CUSTOMER_ROWS = 2000;

export interface CustomerImportReport {
  readonly received: number;
  readonly upserted: number;
  readonly rejected: readonly { readonly row: number; readonly field: string; readonly message: string }[];
}

/** Validates each row on its own; valid ones become profiles, the others are reported with their reason. Pure. */
export function customersFromRows(rows: readonly { readonly row: number; readonly fields: Record<string, string> }[], now: Date) {
  if (rows.length > MAX_CUSTOMER_ROWS) {
    throw new DomainError(413, 'too_many_rows', `send at most ${MAX_CUSTOMER_ROWS} rows per request (npm run cli -- customers import splits files)`, [{ field: 'rows', message: `${rows.length} rows` }]);
  }
  const profiles: CustomerProfile[] = [];
  const rejected: { row: number; field: string; message: string }[] = [];
  for (const { row, fields } of rows) {
    const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    const parsed = CustomerSchema.safeParse(present);
    if (parsed.success) profiles.push({ ...parsed.data, updatedAt: now.toISOString() });
    else for (const issue of parsed.error.issues) rejected.push({ row, field: issue.path.join('.') || String((issue as { keys?: string[] }).keys?.[0] ?? 'row'), message: issue.message });
  }
  return { profiles, rejected };
}
