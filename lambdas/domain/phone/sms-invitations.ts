import { z } from 'zod';
import { requireSomeDelivered } from '../errors';
import { idFromKey, newId } from '../ids';
import { externalId } from '../identifiers';
import type { Survey } from '../survey';
import { startConversation, turnOf } from './conversation';
import type { PhoneStore } from './ports';
import { isE164 } from './ports';
import { smsText } from './render';

export interface SmsSender {
  /** Returns the provider's message id. */
  send(to: string, body: string): Promise<string>;
}

export const SmsInvitationRequestSchema = z
  .object({
    contacts: z
      .array(
        z
          .object({
            phone: z.string().refine(isE164, 'must be an E.164 number, e.g. +14155550123'),
            customerId: externalId(128).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.contacts.forEach((c, i) => {
      if (seen.has(c.phone)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'phone'], message: 'appears twice in this request' });
      seen.add(c.phone);
    });
  });
export type SmsInvitationRequest = z.infer<typeof SmsInvitationRequestSchema>;

export interface SmsInvitationResult {
  readonly phone: string;
  readonly status: 'sent' | 'already-sent' | 'opted-out' | 'failed';
  readonly messageId?: string;
  readonly error?: string;
}

/**
 * Texts the survey's first question to each contact and opens an SMS conversation their replies continue.
 * Opted-out numbers are skipped; with an idempotency key a retried request texts nobody twice.
 */
export async function sendSmsInvitations(
  deps: { phones: PhoneStore; sms: SmsSender; now: Date; onFailure?: (error: unknown) => void },
  survey: Survey,
  request: SmsInvitationRequest,
  idempotencyKey?: string,
): Promise<SmsInvitationResult[]> {
  const results: SmsInvitationResult[] = [];
  for (const contact of request.contacts) {
    const known = await deps.phones.getContact(contact.phone);
    if (known?.optedOutAt) {
      results.push({ phone: contact.phone, status: 'opted-out' });
      continue;
    }
    const responseKey = idempotencyKey ? idFromKey('sms-invitation', survey.id, idempotencyKey, contact.phone) : newId(deps.now);
    const id = `sms#${contact.phone}`;
    const existing = await deps.phones.getConversation(id);
    if (existing?.responseKey === responseKey) {
      results.push({ phone: contact.phone, status: 'already-sent' });
      continue;
    }
    const customerId = contact.customerId ?? known?.customerId;
    const conversation = {
      ...startConversation(survey, { id, channel: 'sms', responseKey, customerId, phone: contact.phone }, deps.now),
      // A new invitation replaces any earlier exchange with this number.
      version: existing?.version ?? 0,
    };
    try {
      if (customerId && known?.customerId !== customerId) await deps.phones.putContact({ ...known, phoneNumber: contact.phone, customerId });
      if (!(await deps.phones.saveConversation(conversation))) throw new Error('a concurrent invitation to this number won');
      const messageId = await deps.sms.send(contact.phone, smsText(survey, turnOf(survey, conversation), true));
      results.push({ phone: contact.phone, status: 'sent', messageId });
    } catch (error) {
      deps.onFailure?.(error);
      results.push({ phone: contact.phone, status: 'failed', error: 'could not be sent; retry with the same Idempotency-Key' });
    }
  }
  requireSomeDelivered(results, 'SMS');
  return results;
}
