import * as z from 'zod/mini';
import '../kernel/zod';
import { DomainError } from '../kernel/errors';
import { isE164 } from '../kernel/identifiers';
import { externalId, personName } from '../kernel/identifier-schemas';

/**
 * A customer as the CRM knows them: who they are, their segment and value, their contract and their last
 * transaction. Imported from CSV or JSON (re-imports upsert); joined with each new response.
 */
export const CustomerSchema = z.strictObject({
  customerId: externalId(128),
  name: z.optional(personName()),
  email: z.optional(z.email()),
  phone: z.optional(z.string().check(z.refine(isE164, 'must be an E.164 number, e.g. +14155550123'))),
  segment: z.optional(externalId(64)),
  lifetimeValue: z.optional(z.coerce.number().check(z.gte(0), z.lte(1e12))),
  contractState: z.optional(z.enum(['active', 'notice-given', 'ended', 'trial', 'none'])),
  contractEndsAt: z.optional(z.iso.date()),
  lastTransactionAt: z.optional(z.iso.datetime({ offset: true })),
  lastTransactionAmount: z.optional(z.coerce.number().check(z.gte(-1e12), z.lte(1e12))),
  /** Who looks after this customer; alert rules can route cases to them. */
  accountManager: z.optional(z.email()),
});
export type CustomerProfile = z.infer<typeof CustomerSchema> & { readonly updatedAt: string };

export const MAX_CUSTOMER_ROWS = 2000;

export interface CustomerImportReport {
  readonly received: number;
  readonly upserted: number;
  /** The first {@link MAX_REJECTIONS_SHOWN} rejections, by row. */
  readonly rejected: readonly { readonly row: number; readonly field: string; readonly message: string }[];
  /** How many rows were rejected, shown or not (a row may be rejected for several reasons). */
  readonly rejectedCount: number;
}

/** How many rejections an import answer lists; `rejectedCount` says how many rows were rejected. */
export const MAX_REJECTIONS_SHOWN = 200;

/** Validates each row on its own; valid ones become profiles, the others are reported with their reason. Pure. */
export function customersFromRows(rows: readonly { readonly row: number; readonly fields: Record<string, string> }[], now: Date) {
  if (rows.length > MAX_CUSTOMER_ROWS) {
    throw new DomainError(413, 'too_many_rows', `send at most ${MAX_CUSTOMER_ROWS} rows per request (npm run cli -- customers import splits files)`, [{ field: 'rows', message: `${rows.length} rows` }]);
  }
  const profiles: CustomerProfile[] = [];
  const rejected: { row: number; field: string; message: string }[] = [];
  // A customer twice in one file is a mistake to show, not a silent last-wins: the first row stands.
  const firstRowOf = new Map<string, number>();
  for (const { row, fields } of rows) {
    const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    const parsed = CustomerSchema.safeParse(present);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) rejected.push({ row, field: issue.path.join('.') || String((issue as { keys?: string[] }).keys?.[0] ?? 'row'), message: issue.message });
      continue;
    }
    const first = firstRowOf.get(parsed.data.customerId);
    if (first !== undefined) {
      rejected.push({ row, field: 'customerId', message: `duplicate of row ${first}; that row was imported` });
      continue;
    }
    firstRowOf.set(parsed.data.customerId, row);
    profiles.push({ ...parsed.data, updatedAt: now.toISOString() });
  }
  return { profiles, rejected };
}
