import * as z from 'zod/mini';
import '../kernel/zod';
import { externalId } from '../kernel/identifier-schemas';
import { SEVERITIES } from '../surveys/scores';

/* What a person may ask of cases: the actions and the listing's query, as the API validates them. */

/** Why a case was closed, for reports on what the loop fixes. */
export const RESOLUTION_CODES = ['resolved-with-customer', 'compensated', 'process-fixed', 'no-action-needed', 'could-not-reach', 'duplicate'] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

// Line breaks and tabs are text; other control and bidi-override characters would only disguise a note.
const noteText = z.string().check(z.trim(), z.minLength(1), z.maxLength(2000), z.regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]*$/, 'must not contain control characters'));
/** An address mail can be sent to: RFC 5321 allows 254 characters. */
const address = z.email().check(z.maxLength(254));

/** What a person can do to a case; each becomes an event in its history. */
export const CaseActionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('acknowledge'), note: z.optional(noteText) }),
  z.strictObject({ action: z.literal('note'), note: noteText }),
  z.strictObject({ action: z.literal('assign'), owner: address, team: z.optional(externalId(64)), note: z.optional(noteText) }),
  z.strictObject({ action: z.literal('resolve'), resolution: z.enum(RESOLUTION_CODES), note: z.optional(noteText) }),
  z.strictObject({ action: z.literal('reopen'), note: z.optional(noteText) }),
  /** By hand, with the reason: to whoever should step in; they get the escalation notice. */
  z.strictObject({ action: z.literal('escalate'), to: address, note: noteText }),
]);
export type CaseAction = z.infer<typeof CaseActionSchema>;

/** The query of a case listing (`GET /admin/cases`). */
export const CaseQuerySchema = z.object({
  status: z.optional(z.enum(['open', 'acknowledged', 'resolved', 'escalated'])),
  owner: z.optional(z.email()),
  team: z.optional(externalId(64)),
  surveyId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
  touchpoint: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/))),
  severity: z.optional(z.enum(SEVERITIES)),
  order: z._default(z.enum(['newest', 'oldest']), 'newest'),
  /** Cases opened from this date on. @default 12 months back */
  since: z.optional(z.iso.date()),
});
