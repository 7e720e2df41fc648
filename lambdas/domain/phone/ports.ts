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
  getRoute(phoneNumber: string): Promise<PhoneRoute | undefined>;
  putRoute(route: PhoneRoute): Promise<void>;
  getContact(phoneNumber: string): Promise<PhoneContact | undefined>;
  putContact(contact: PhoneContact): Promise<void>;
}

/** Remembers the ids of signed webhook tokens until they expire, so each token is accepted once. */
export interface ReplayGuard {
  /** True the first time `id` is presented; false when it was seen before (a replay). Kept until `expiresAt`. */
  firstUse(id: string, expiresAt: Date): Promise<boolean>;
}

/** E.164 numbers only: "+" and 8–15 digits. */
export const isE164 = (value: string) => /^\+[1-9]\d{7,14}$/.test(value);
