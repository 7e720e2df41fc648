import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import '../kernel/zod';
import { requireSomeDelivered, validationError } from '../kernel/errors';
import { idFromKey, newId } from '../kernel/ids';
import { attributesSchema, externalId, personName } from '../kernel/identifier-schemas';
import { rememberContact } from '../people/contact-history';
import { contactKeys } from '../people/identities';
import type { ContactHistoryStore, CustomerStore } from '../people/ports';
import type { EmailSender } from '../kernel/senders';
import { fatigued } from './fatigue';
import type { FatigueSettingsStore, Invitation, InvitationMessages, InvitationStore, SuppressionStore } from './ports';
import { isSuppressed, unsubscribeToken } from './suppression';
import { headlineQuestion, type Survey } from '../surveys/survey';
import { contactFingerprint, DEFAULT_TOKEN_TTL_DAYS, issueLinkToken } from '../kernel/tokens';

export const InvitationRequestSchema = z.strictObject({
  contacts: z.array(
    z.strictObject({
      email: z.email(),
      customerId: z.optional(externalId(128)),
      name: z.optional(personName()),
      attributes: z.optional(attributesSchema()),
    }),
  ).check(z.minLength(1), z.maxLength(100)),
  expiresInDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(90)), DEFAULT_TOKEN_TTL_DAYS),
}).check(z.superRefine((r, ctx) => {
  const seen = new Set<string>();
  r.contacts.forEach((c, i) => {
    const email = c.email.toLowerCase();
    if (seen.has(email)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'email'], message: 'appears twice in this request' });
    seen.add(email);
  });
}));
export type InvitationRequest = z.infer<typeof InvitationRequestSchema>;

export interface InvitationResult {
  readonly invitationId: string;
  readonly email: string;
  /**
   * `in-progress`: a concurrent request with the same Idempotency-Key holds the send right now.
   * `suppressed`: the contact unsubscribed (by e-mail link, or STOP on SMS), or a contact-fatigue rule
   * holds (invited or answered recently, too many this quarter); `reason` says which.
   */
  readonly status: 'sent' | 'already-sent' | 'in-progress' | 'suppressed' | 'failed';
  readonly reason?: string;
  readonly error?: string;
}

export interface InvitationDeps {
  readonly invitations: InvitationStore;
  readonly suppressions: Pick<SuppressionStore, 'getSuppression'>;
  readonly fatigueSettings: FatigueSettingsStore;
  readonly contacts: ContactHistoryStore;
  /** The customer's timeline, so that erasing them finds the invitations sent to them. */
  readonly customers: Pick<CustomerStore, 'addToCustomerTimeline'>;
  readonly email: EmailSender;
  readonly messages: InvitationMessages;
  readonly tokenSecret: string;
  readonly publicUrl: string;
  /** Who the e-mails come from, named on the unsubscribe page. */
  readonly sender?: string;
  readonly now: Date;
  /** Failures are reported per contact; the caller logs them. */
  readonly onFailure?: (email: string, error: unknown) => void;
}

/** How long a claim on e-mailing an invitation holds: longer than a send takes, short enough to recover a crash. */
export const INVITATION_LEASE_MS = 2 * 60_000;

/**
 * Stores an invitation per contact, claims it with a conditional write, e-mails it, then records `sentAt`.
 * With an idempotency key a retried request finds the same invitations: concurrent or later retries never
 * e-mail anyone twice, and a send that failed is sent by the next retry.
 */
export async function sendInvitations(
  deps: InvitationDeps,
  survey: Survey,
  request: InvitationRequest,
  idempotencyKey?: string,
): Promise<InvitationResult[]> {
  const question = headlineQuestion(survey);
  if (!question) {
    throw validationError('e-mail invitations need an NPS or CSAT question to turn into one-click links', [
      { field: 'survey.questions', message: 'add a question of type nps or csat' },
    ]);
  }
  const expiresAt = Math.floor(deps.now.getTime() / 1000) + request.expiresInDays * 86400;
  const results: InvitationResult[] = [];
  for (const contact of request.contacts) {
    const who = { email: contact.email, ...(contact.customerId && { customerId: contact.customerId }) };
    if (await isSuppressed(deps.suppressions, deps.tokenSecret, who)) {
      results.push({ invitationId: '', email: contact.email, status: 'suppressed', reason: 'unsubscribed' });
      continue;
    }
    const id = idempotencyKey ? idFromKey('invitation', survey.id, idempotencyKey, contact.email.toLowerCase()) : newId(deps.now);
    const invitation: Invitation = {
      id,
      surveyId: survey.id,
      channel: 'email',
      contact: { email: contact.email, ...(contact.name && { name: contact.name }) },
      ...(contact.customerId && { customerId: contact.customerId }),
      ...(contact.attributes && { attributes: contact.attributes }),
      ...(survey.touchpoint && { touchpoint: survey.touchpoint }),
      createdAt: deps.now.toISOString(),
      expiresAt,
    };
    const claimant = randomUUID();
    try {
      const outcome = await deps.invitations.putInvitation(invitation);
      // So that erasing the customer finds the invitations sent to them.
      if (outcome === 'created' && contact.customerId) await deps.customers.addToCustomerTimeline(contact.customerId, 'INVITATION', invitation.createdAt, id);
      const stored = outcome === 'created' ? invitation : await deps.invitations.getInvitation(id);
      if (stored?.sentAt) {
        results.push({ invitationId: id, email: contact.email, status: 'already-sent' });
        continue;
      }
      const tired = await fatigued({ settings: deps.fatigueSettings, contacts: deps.contacts }, contactKeys(deps.tokenSecret, who), survey.fatigue, deps.now);
      if (tired) {
        results.push({ invitationId: id, email: contact.email, status: 'suppressed', reason: tired });
        continue;
      }
      if (!(await deps.invitations.claimInvitation(id, claimant, deps.now, INVITATION_LEASE_MS))) {
        const current = await deps.invitations.getInvitation(id);
        results.push({ invitationId: id, email: contact.email, status: current?.sentAt ? 'already-sent' : 'in-progress' });
        continue;
      }
      const token = issueLinkToken(deps.tokenSecret, {
        invitationId: id,
        surveyId: survey.id,
        contact: contactFingerprint({ email: contact.email, customerId: contact.customerId }),
        expiresAt: stored?.expiresAt ?? expiresAt,
      });
      const link = (score: number) => `${deps.publicUrl}/r/${token}?score=${score}`;
      try {
        const unsubscribe = `${deps.publicUrl}/u/${unsubscribeToken(deps.tokenSecret, who, { address: contact.email, ...(deps.sender && { sender: deps.sender }) })}`;
        await deps.email.send({ ...deps.messages.invitationEmail(survey, question, { email: contact.email, name: contact.name }, link, unsubscribe), invitationId: id });
      } catch (error) {
        await deps.invitations.releaseInvitation(id, claimant).catch(() => undefined);
        throw error;
      }
      // The e-mail went out whatever happens to this record; a failed mark only reopens the send after the lease.
      await deps.invitations.markInvitationSent(id, deps.now.toISOString()).catch((error) => deps.onFailure?.(contact.email, error));
      await rememberContact(deps.contacts, contactKeys(deps.tokenSecret, who), 'invited', deps.now.toISOString());
      results.push({ invitationId: id, email: contact.email, status: 'sent' });
    } catch (error) {
      deps.onFailure?.(contact.email, error);
      results.push({ invitationId: id, email: contact.email, status: 'failed', error: 'could not be sent; retry with the same Idempotency-Key' });
    }
  }
  requireSomeDelivered(results, 'invitation');
  return results;
}
