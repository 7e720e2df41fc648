import type { PutOutcome } from '../kernel/store';
import type { CustomerProfile } from './customer-schema';
import type { KeyScope, Role } from './roles';

/*
 * The people context's ports: customer profiles and their timelines, what was sent to whom (contact history),
 * API keys, and erasure.
 */

/** What a customer's timeline points at: their responses, cases, and the invitations sent to them. */
export type TimelineKind = 'RESPONSE' | 'CASE' | 'INVITATION';

export interface CustomerStore {
  /** Creates or replaces a customer's profile (a re-import upserts). */
  putCustomer(profile: CustomerProfile): Promise<void>;
  getCustomer(id: string): Promise<CustomerProfile | undefined>;
  /** A pointer on the customer's timeline, so their history reads without scanning; `expiresAt` (TTL) makes it go with what it points at. */
  addToCustomerTimeline(customerId: string, kind: TimelineKind, at: string, itemId: string, expiresAt?: number): Promise<void>;
  /** Ids of the customer's latest responses or cases, newest first. */
  customerTimeline(customerId: string, kind: 'RESPONSE' | 'CASE', limit: number): Promise<string[]>;
}

/** What the table remembers of one person's contacts, merged over their e-mail, phone and customer id. */
export interface ContactHistory {
  readonly invitedAt: readonly string[];
  readonly answeredAt?: string;
}

/** Contact history by identity (a keyed hash, see identities.ts), for contact-fatigue rules. */
export interface ContactHistoryStore {
  getContactHistory(key: string): Promise<ContactHistory | undefined>;
  recordContact(key: string, kind: 'invited' | 'answered', at: string): Promise<void>;
}

export interface ApiKeyRecord {
  readonly keyHash: string;
  /** Public handle for listing and revoking (a prefix of the hash). */
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** A manager's surveys, touchpoints and teams. */
  readonly scope?: KeyScope;
  /** The holder's address, when given: their cases are "mine" in the dashboard. */
  readonly email?: string;
  readonly createdAt: string;
  /** Set once revoked; the authorizer refuses the key from then on. */
  readonly revokedAt?: string;
}

/** What the authorizer reads: a key by its hash. */
export interface ApiKeyLookup {
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
}

/** Dashboard sign-outs: a session signed in with a key ends when that key signs out (every browser of it). */
export interface DashboardSessions {
  /** Ends every dashboard session of the key issued up to `at`. */
  endSessions(keyHash: string, at: Date): Promise<void>;
  /** When the key's sessions were last ended, if ever. */
  sessionsEndedAt(keyHash: string): Promise<string | undefined>;
}

export interface ApiKeyStore extends ApiKeyLookup {
  putApiKey(key: ApiKeyRecord): Promise<PutOutcome>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; `undefined` when no key has this id. Revoking twice keeps the first time. */
  revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord | undefined>;
}

/** Where an erasure deletes: items by key, and the customer's own partition. */
export interface ErasureStore {
  /** Every item of the customer's partition (profile and timeline pointers), as sort key and pointed-at id. */
  customerItems(customerId: string): Promise<{ readonly sk: string; readonly itemId?: string }[]>;
  /** The e-mail address and phone number a response was given with: more identities of the customer to erase. */
  responseContact(responseId: string): Promise<{ readonly email?: string; readonly phone?: string } | undefined>;
  deleteItem(pk: string, sk: string): Promise<boolean>;
  putAudit(record: ErasureAudit): Promise<void>;
  /** Remembers, as its keyed hash, that a customer was erased, until `until`: later writes for them are erased on arrival. */
  markErased(subject: string, until: Date): Promise<void>;
  /** Whether the customer (as a keyed hash) was erased within the mark's lifetime. */
  erasedRecently(subject: string, now: Date): Promise<boolean>;
  listAudit(month: string): Promise<ErasureAudit[]>;
}

/** What an erasure leaves behind: who erased how much of whom (as a keyed hash), and when. No personal data. */
export interface ErasureAudit {
  readonly auditId: string;
  readonly at: string;
  /** `erase-on-arrival`: an answer that came after the erasure (or was still being processed) was erased too. */
  readonly action: 'erase-customer' | 'erase-on-arrival';
  /** The operator: the API key's name. */
  readonly by: string;
  /** HMAC of the customer id: the same person gives the same subject, nobody can read it back. */
  readonly subject: string;
  readonly erased: Readonly<Record<ErasedKind, number>>;
  /** Until when answers of this customer still being processed, or arriving, are erased on arrival. */
  readonly erasesOnArrivalUntil?: string;
}

export type ErasedKind = 'profile' | 'responses' | 'cases' | 'invitations' | 'conversations' | 'phoneMappings' | 'contactHistory' | 'timeline';
