import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import '../../kernel/zod';
import { requireSomeDelivered } from '../../kernel/errors';
import { idFromKey, newId } from '../../kernel/ids';
import { isE164 } from '../../kernel/identifiers';
import { externalId } from '../../kernel/identifier-schemas';
import { forRespondents, type Survey } from '../../surveys/survey';
import { startConversation, turnOf } from './conversation';
import type { PhoneStore } from './ports';
import { smsText } from './sms-text';

export interface SmsSender {
  /** Returns the provider's message id. */
  send(to: string, body: string): Promise<string>;
}

export const SmsInvitationRequestSchema = z.strictObject({
  contacts: z.array(
    z.strictObject({
      phone: z.string().check(z.refine(isE164, 'must be an E.164 number, e.g. +14155550123')),
      customerId: z.optional(externalId(128)),
    }),
  ).check(z.minLength(1), z.maxLength(100)),
}).check(z.superRefine((r, ctx) => {
  const seen = new Set<string>();
  r.contacts.forEach((c, i) => {
    if (seen.has(c.phone)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'phone'], message: 'appears twice in this request' });
    seen.add(c.phone);
  });
}));
export type SmsInvitationRequest = z.infer<typeof SmsInvitationRequestSchema>;

export interface SmsInvitationResult {
  readonly phone: string;
  /** `in-progress`: a concurrent request with the same Idempotency-Key holds the send right now. */
  readonly status: 'sent' | 'already-sent' | 'in-progress' | 'opted-out' | 'suppressed' | 'failed';
  readonly reason?: string;
  readonly messageId?: string;
  readonly error?: string;
}

/** How long a claim on texting an invitation holds: longer than a send takes, short enough to recover a crash. */
export const SMS_INVITATION_LEASE_MS = 2 * 60_000;

/**
 * Texts the survey's first question to each contact and opens an SMS conversation their replies continue.
 * Opted-out numbers are skipped. The conversation is saved first, then the send is claimed with a conditional
 * write, and `invitationSentAt` is recorded only once the provider accepted the text: so a failed send is
 * sent on retry, and concurrent retries with one Idempotency-Key text the contact once.
 */
export async function sendSmsInvitations(
  deps: {
    phones: PhoneStore;
    sms: SmsSender;
    now: Date;
    /** Whether the person unsubscribed on any channel (an e-mail unsubscribe link, STOP from another number). */
    suppressed?: (who: { phone: string; customerId?: string }) => Promise<boolean>;
    /** Why contact fatigue forbids inviting the person now, or undefined. */
    fatigued?: (who: { phone: string; customerId?: string }) => Promise<string | undefined>;
    /** Remembers that the person was invited (for fatigue rules). */
    invited?: (who: { phone: string; customerId?: string }) => Promise<void>;
    onFailure?: (error: unknown) => void;
  },
  stored: Survey,
  request: SmsInvitationRequest,
  idempotencyKey?: string,
): Promise<SmsInvitationResult[]> {
  // The conversation walks the questions respondents are asked, the hidden ones left out.
  const survey = forRespondents(stored);
  const results: SmsInvitationResult[] = [];
  for (const contact of request.contacts) {
    const known = await deps.phones.getContact(contact.phone);
    if (known?.optedOutAt) {
      results.push({ phone: contact.phone, status: 'opted-out' });
      continue;
    }
    const customer = contact.customerId ?? known?.customerId;
    if (await deps.suppressed?.({ phone: contact.phone, ...(customer && { customerId: customer }) })) {
      results.push({ phone: contact.phone, status: 'suppressed', reason: 'unsubscribed' });
      continue;
    }
    const responseKey = idempotencyKey ? idFromKey('sms-invitation', survey.id, idempotencyKey, contact.phone) : newId(deps.now);
    const id = `sms#${contact.phone}`;
    const claimant = randomUUID();
    try {
      let conversation = await deps.phones.getConversation(id);
      if (conversation?.responseKey !== responseKey) {
        const customerId = contact.customerId ?? known?.customerId;
        if (customerId && known?.customerId !== customerId) await deps.phones.putContact({ ...known, phoneNumber: contact.phone, customerId });
        // A new invitation replaces any earlier exchange with this number.
        const fresh = { ...startConversation(survey, { id, channel: 'sms', responseKey, customerId, phone: contact.phone }, deps.now), version: conversation?.version ?? 0 };
        if (!(await deps.phones.saveConversation(fresh))) {
          conversation = await deps.phones.getConversation(id);
          if (conversation?.responseKey !== responseKey) throw new Error('a concurrent invitation to this number won');
        } else conversation = { ...fresh, version: fresh.version + 1 };
      }
      if (conversation.invitationSentAt) {
        results.push({ phone: contact.phone, status: 'already-sent', ...(conversation.invitationMessageId && { messageId: conversation.invitationMessageId }) });
        continue;
      }
      const who = { phone: contact.phone, ...(customer && { customerId: customer }) };
      const tired = await deps.fatigued?.(who);
      if (tired) {
        results.push({ phone: contact.phone, status: 'suppressed', reason: tired });
        continue;
      }
      if (!(await deps.phones.claimInvitation(id, responseKey, claimant, deps.now, SMS_INVITATION_LEASE_MS))) {
        const current = await deps.phones.getConversation(id);
        results.push({ phone: contact.phone, status: current?.invitationSentAt ? 'already-sent' : 'in-progress' });
        continue;
      }
      let messageId: string;
      try {
        messageId = await deps.sms.send(contact.phone, smsText(survey, turnOf(survey, conversation), true));
      } catch (error) {
        await deps.phones.releaseInvitation(id, claimant).catch(() => undefined);
        throw error;
      }
      // The text went out whatever happens to this record; a failed mark only reopens the send after the lease.
      await deps.phones.markInvitationSent(id, responseKey, deps.now.toISOString(), messageId).catch((error) => deps.onFailure?.(error));
      await deps.invited?.(who).catch((error) => deps.onFailure?.(error));
      results.push({ phone: contact.phone, status: 'sent', messageId });
    } catch (error) {
      deps.onFailure?.(error);
      results.push({ phone: contact.phone, status: 'failed', error: 'could not be sent; retry with the same Idempotency-Key' });
    }
  }
  requireSomeDelivered(results, 'SMS');
  return results;
}
