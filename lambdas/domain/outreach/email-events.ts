import * as z from 'zod/mini';
import '../kernel/zod';
import { contactKeys } from '../people/identities';
import type { InvitationStore, SuppressionStore } from './ports';

/**
 * An SES event as a configuration set's SNS event destination publishes it (only what is read here):
 * `Delivery`, `Bounce` or `Complaint`, with the tags the message was sent with.
 */
export const SesEventSchema = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({ tags: z.optional(z.record(z.string(), z.array(z.string()))) }),
  delivery: z.optional(z.looseObject({ timestamp: z.optional(z.string()) })),
  bounce: z.optional(z.looseObject({ bounceType: z.optional(z.string()), timestamp: z.optional(z.string()), bouncedRecipients: z.optional(z.array(z.looseObject({ emailAddress: z.string() }))) })),
  complaint: z.optional(z.looseObject({ timestamp: z.optional(z.string()), complainedRecipients: z.optional(z.array(z.looseObject({ emailAddress: z.string() }))) })),
});

export type EmailEventOutcome = 'delivered' | 'bounced' | 'complained' | 'ignored';

const isoOr = (value: string | undefined, now: Date) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : now.toISOString());

/**
 * Notes what SES reported on the invitation it names (the funnel counts deliveries and bounces). A permanent
 * bounce or a complaint also suppresses the address on every channel, as an unsubscribe does: mailing it
 * again would only hurt the sender's reputation. Events of other messages (alerts) or kinds are ignored.
 */
export async function applyEmailEvent(deps: { readonly invitations: Pick<InvitationStore, 'recordInvitationEvent'>; readonly suppressions: Pick<SuppressionStore, 'putSuppression'>; readonly tokenSecret: string }, raw: unknown, now: Date): Promise<EmailEventOutcome> {
  const parsed = SesEventSchema.safeParse(raw);
  const invitationId = parsed.success ? parsed.data.mail.tags?.invitationId?.[0] : undefined;
  if (!parsed.success || !invitationId || !/^[A-Za-z0-9_-]{1,64}$/.test(invitationId)) return 'ignored';
  const event = parsed.data;
  const suppress = async (recipients: readonly { emailAddress: string }[] | undefined, via: string) => {
    for (const { emailAddress } of recipients ?? []) for (const key of contactKeys(deps.tokenSecret, { email: emailAddress })) await deps.suppressions.putSuppression(key, now.toISOString(), via);
  };
  if (event.eventType === 'Delivery') {
    return (await deps.invitations.recordInvitationEvent(invitationId, 'deliveredAt', isoOr(event.delivery?.timestamp, now))) ? 'delivered' : 'ignored';
  }
  if (event.eventType === 'Bounce') {
    if (event.bounce?.bounceType === 'Permanent') await suppress(event.bounce.bouncedRecipients, 'email-bounce');
    return (await deps.invitations.recordInvitationEvent(invitationId, 'bouncedAt', isoOr(event.bounce?.timestamp, now))) ? 'bounced' : 'ignored';
  }
  if (event.eventType === 'Complaint') {
    await suppress(event.complaint?.complainedRecipients, 'email-complaint');
    return (await deps.invitations.recordInvitationEvent(invitationId, 'complainedAt', isoOr(event.complaint?.timestamp, now))) ? 'complained' : 'ignored';
  }
  return 'ignored';
}
