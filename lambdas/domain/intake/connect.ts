import * as z from 'zod/mini';
import '../kernel/zod';
import { hasControlCharacters, isE164, prototypeKeyPath } from '../kernel/identifiers';
import { externalId } from '../kernel/identifier-schemas';

/**
 * The Amazon Connect "Invoke AWS Lambda function" event, as far as the survey block reads it. Connect sends
 * `null` for absent fields; everything else in the event is ignored. Limits match the web route: survey ids
 * as this service issues them, customer ids 1–128 characters on one line, attribute values ≤ 512.
 */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const oneLine = (max: number) =>
  z.string().check(z.maxLength(max), z.refine((value) => !hasControlCharacters(value), 'must not contain control characters or line breaks'));
/** Connect passes an unset parameter or attribute as "" (or null): treated as absent. */
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(z.transform<unknown, unknown>((value) => (value === '' || value === null ? undefined : value)), z.optional(schema) as z.ZodMiniType<z.output<T> | undefined>);

export const ConnectSurveyEventSchema = z.object({
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,256}$/, 'must be a contact id (letters, digits, "-", 1–256 characters)')),
      Channel: z.nullish(z.string().check(z.regex(/^[A-Z_]{1,32}$/, 'must be a Connect channel name'))),
      Attributes: z.nullish(z.record(
        oneLine(128).check(z.minLength(1), z.refine((name) => !RESERVED_NAMES.has(name), 'this name is reserved')),
        oneLine(512),
      )),
      CustomerEndpoint: z.nullish(z.object({ Address: z.nullish(oneLine(256)), Type: z.nullish(oneLine(64)) })),
      Queue: z.nullish(z.object({ Name: z.nullish(oneLine(256)) })),
    }),
    Parameters: z.object({
      surveyId: z.string({ error: (issue) => (issue.input === undefined ? 'the Lambda block needs a surveyId parameter' : undefined) }).check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'use the survey id: 1–64 letters, digits, "_" or "-"')),
      customerId: optional(externalId(128)),
      answerPrefix: optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,32}$/, 'use 1–32 letters, digits, "_", "-", "." or ":"'))),
      partial: optional(z.enum(['true', 'false'])),
    }),
  }),
});

/** What the survey block stores: one response per contact. */
export interface ConnectSurveyInput {
  readonly contactId: string;
  readonly surveyId: string;
  readonly customerId?: string;
  /** Contact attributes named `<answerPrefix><questionId>`, without the prefix; empty values left out. */
  readonly answers: Record<string, string>;
  readonly phone?: string;
  readonly attributes: Record<string, string>;
  readonly partial: boolean;
}

export type ConnectParse = { readonly ok: true; readonly input: ConnectSurveyInput } | { readonly ok: false; readonly error: string };

const CUSTOMER_ID = externalId(128);

/**
 * Validates a Connect event (anything, including null) and reads the survey submission from it. Refusals
 * name the first offending field as `<field>: <message>`, the form the contact flow gets back in `error`.
 */
export function parseConnectEvent(event: unknown): ConnectParse {
  // The validator would drop such keys silently; they are refused by name instead.
  const reserved = prototypeKeyPath(event);
  if (reserved) return { ok: false, error: `${reserved}: this name is reserved` };
  const parsed = ConnectSurveyEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.map(String).join('.') || 'event'}: ${issue.message}` };
  }
  const { ContactData: contact, Parameters: parameters } = parsed.data.Details;
  const attributes = contact.Attributes ?? {};
  let customerId = parameters.customerId;
  if (customerId === undefined && attributes.customerId) {
    const fromAttribute = CUSTOMER_ID.safeParse(attributes.customerId);
    if (!fromAttribute.success) return { ok: false, error: `Details.ContactData.Attributes.customerId: ${fromAttribute.error.issues[0].message}` };
    customerId = fromAttribute.data;
  }
  const prefix = parameters.answerPrefix ?? 'survey_';
  const answers = Object.fromEntries(
    Object.entries(attributes)
      .filter(([name, value]) => name.startsWith(prefix) && name.length > prefix.length && value !== '')
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
  const address = contact.CustomerEndpoint?.Type === 'TELEPHONE_NUMBER' ? contact.CustomerEndpoint.Address : undefined;
  return {
    ok: true,
    input: {
      contactId: contact.ContactId,
      surveyId: parameters.surveyId,
      ...(customerId && { customerId }),
      answers,
      ...(address && isE164(address) && { phone: address }),
      attributes: {
        contactId: contact.ContactId,
        ...(contact.Channel && { connectChannel: contact.Channel }),
        ...(contact.Queue?.Name && { queue: contact.Queue.Name }),
      },
      partial: parameters.partial === 'true',
    },
  };
}
