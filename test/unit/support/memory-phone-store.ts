import type { Conversation } from '../../../lambdas/domain/outreach/phone/conversation';
import type { PhoneContact, PhoneRoute, PhoneStore } from '../../../lambdas/domain/outreach/phone/ports';
import type { SurveyResponse } from '../../../lambdas/domain/surveys/response';
import type { MemoryStore } from './memory-store';

/** In-memory PhoneStore with the DynamoDB store's conditions; turns write responses into a MemoryStore. */
export class MemoryPhoneStore implements PhoneStore {
  readonly conversations = new Map<string, Conversation>();
  readonly routes = new Map<string, PhoneRoute>();
  readonly contacts = new Map<string, PhoneContact>();
  private readonly claims = new Map<string, { until: string; by: string }>();

  constructor(private readonly responses: MemoryStore) {}

  getConversation = async (id: string) => structuredClone(this.conversations.get(id));
  saveConversation = async (c: Conversation) => {
    const current = this.conversations.get(c.id);
    if ((current?.version ?? 0) !== c.version) return false;
    this.conversations.set(c.id, { ...structuredClone(c), version: c.version + 1 });
    return true;
  };
  saveTurn = async (c: Conversation, response?: SurveyResponse) => {
    const current = this.responses.responses.get(response?.id ?? '');
    if ((this.conversations.get(c.id)?.version ?? 0) !== c.version || (response && current && current.revision >= response.revision)) return false;
    await this.saveConversation(c);
    if (response) await this.responses.saveResponseRevision(response);
    return true;
  };
  claimInvitation = async (id: string, responseKey: string, claimant: string, now: Date, leaseMs: number) => {
    const c = this.conversations.get(id);
    const claim = this.claims.get(id);
    if (!c || c.responseKey !== responseKey || c.invitationSentAt) return false;
    if (claim && claim.until >= now.toISOString() && claim.by !== claimant) return false;
    this.claims.set(id, { until: new Date(now.getTime() + leaseMs).toISOString(), by: claimant });
    return true;
  };
  releaseInvitation = async (id: string, claimant: string) => {
    if (this.claims.get(id)?.by === claimant) this.claims.delete(id);
  };
  markInvitationSent = async (id: string, responseKey: string, sentAt: string, messageId: string) => {
    const c = this.conversations.get(id);
    if (c?.responseKey === responseKey) this.conversations.set(id, { ...c, invitationSentAt: sentAt, invitationMessageId: messageId });
    this.claims.delete(id);
  };
  getRoute = async (n: string) => this.routes.get(n);
  putRoute = async (r: PhoneRoute) => void this.routes.set(r.phoneNumber, r);
  getContact = async (n: string) => this.contacts.get(n);
  putContact = async (c: PhoneContact) => void this.contacts.set(c.phoneNumber, c);
  linkCustomer = async (phoneNumber: string, customerId: string) => void this.contacts.set(phoneNumber, { ...this.contacts.get(phoneNumber), phoneNumber, customerId });
}
