import type { SurveyResponse } from '../../surveys/response';
import type { Conversation } from './conversation';

/** Which survey a called or texted number runs. */
export interface PhoneRoute {
  readonly phoneNumber: string;
  readonly surveyId: string;
}

/** What is known of a customer's phone number: who it is, and whether they opted out of texts. */
export interface PhoneContact {
  readonly phoneNumber: string;
  readonly customerId?: string;
  readonly optedOutAt?: string;
}

export interface PhoneStore {
  getConversation(id: string): Promise<Conversation | undefined>;
  /** Saves if nobody saved a newer version meanwhile; false when another delivery won the race. */
  saveConversation(conversation: Conversation): Promise<boolean>;
  /**
   * Saves the conversation and, when given, the response it now amounts to, in one transaction: both or
   * neither, so no response exists that no conversation owns. False when another delivery won the race.
   */
  saveTurn(conversation: Conversation, response?: SurveyResponse): Promise<boolean>;
  /**
   * Takes the right to text the invitation that opened this conversation: true for one caller while it is
   * unsent and unclaimed (or the claim lapsed, or it is the caller's own claim).
   */
  claimInvitation(conversationId: string, responseKey: string, claimant: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Gives the claimant's claim back after a send that failed. */
  releaseInvitation(conversationId: string, claimant: string): Promise<void>;
  /** Records that the provider accepted the invitation text. */
  markInvitationSent(conversationId: string, responseKey: string, sentAt: string, messageId: string): Promise<void>;
  getRoute(phoneNumber: string): Promise<PhoneRoute | undefined>;
  putRoute(route: PhoneRoute): Promise<void>;
  getContact(phoneNumber: string): Promise<PhoneContact | undefined>;
  putContact(contact: PhoneContact): Promise<void>;
  /** Names the customer behind a number (from their CRM profile), keeping any opt-out on it. */
  linkCustomer(phoneNumber: string, customerId: string): Promise<void>;
}

/** Remembers the ids of signed webhook tokens until they expire, so each token is accepted once. */
export interface ReplayGuard {
  /** True the first time `id` is presented; false when it was seen before (a replay). Kept until `expiresAt`. */
  firstUse(id: string, expiresAt: Date): Promise<boolean>;
}
