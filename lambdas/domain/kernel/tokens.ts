import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './errors';

/** What a survey link token binds: an invitation (hence one contact) to one survey, until it expires. */
export interface LinkTokenClaims {
  readonly invitationId: string;
  readonly surveyId: string;
  /** Short hash of the contact, so a token cannot be moved to another contact's invitation. */
  readonly contact: string;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

export const DEFAULT_TOKEN_TTL_DAYS = 30;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export const contactFingerprint = (contact: { email?: string; customerId?: string; phone?: string }) =>
  createHash('sha256')
    .update(`${contact.email?.toLowerCase() ?? ''}|${contact.customerId ?? ''}|${contact.phone ?? ''}`)
    .digest('base64url')
    .slice(0, 16);

/** `<payload>.<hmac>`, both base64url: URL-safe, no padding, verifiable without a lookup. */
export function issueLinkToken(secret: string, claims: LinkTokenClaims): string {
  const payload = b64url(JSON.stringify({ v: 1, i: claims.invitationId, s: claims.surveyId, c: claims.contact, e: claims.expiresAt }));
  return `${payload}.${b64url(sign(secret, payload))}`;
}

const invalidToken = (message: string) =>
  new DomainError(400, 'invalid_token', message, [{ field: 'token', message }]);

/** The JSON payload of `<payload>.<hmac>` once its signature (over `domain + payload`) checks out. */
function signedPayload<T>(secret: string, token: string, domain = ''): Partial<Record<keyof T, unknown>> {
  const match = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw invalidToken('this link is malformed');
  const [, payload, signature] = match;
  const expected = sign(secret, domain + payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken('this link is not valid');
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (raw && typeof raw === 'object') return raw;
  } catch {
    /* falls through */
  }
  throw invalidToken('this link is malformed');
}

/** Verifies signature and expiry; throws a 400 (tampered) or 410 (expired) DomainError. */
export function verifyLinkToken(secret: string, token: string, now: Date): LinkTokenClaims {
  const raw = signedPayload<{ v: 1; i: string; s: string; c: string; e: number }>(secret, token);
  if (raw.v !== 1 || typeof raw.i !== 'string' || typeof raw.s !== 'string' || typeof raw.c !== 'string' || typeof raw.e !== 'number') {
    throw invalidToken('this link is malformed');
  }
  if (raw.e * 1000 <= now.getTime()) {
    throw new DomainError(410, 'link_expired', 'this survey link has expired', [{ field: 'token', message: 'expired' }]);
  }
  return { invitationId: raw.i, surveyId: raw.s, contact: raw.c, expiresAt: raw.e };
}

/** What a case link binds: one case, for its owner, until it expires. */
export interface CaseLinkClaims {
  readonly caseId: string;
  readonly owner: string;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

// A separate signing domain: a survey-link token can never pass as a case link, nor the reverse.
const CASE_DOMAIN = 'case-link.v1.';
const ownerFingerprint = (owner: string) => createHash('sha256').update(owner.toLowerCase()).digest('base64url').slice(0, 16);

export function caseLinkToken(secret: string, claims: CaseLinkClaims): string {
  const payload = b64url(JSON.stringify({ k: claims.caseId, o: ownerFingerprint(claims.owner), e: claims.expiresAt }));
  return `${payload}.${b64url(sign(secret, CASE_DOMAIN + payload))}`;
}

/** Verifies a case link; returns the case id and the owner fingerprint to compare with the stored case. */
export function verifyCaseLinkToken(secret: string, token: string, now: Date): { caseId: string; ownerMatches: (owner: string) => boolean } {
  const raw = signedPayload<{ k: string; o: string; e: number }>(secret, token, CASE_DOMAIN);
  if (typeof raw.k !== 'string' || typeof raw.o !== 'string' || typeof raw.e !== 'number') throw invalidToken('this link is malformed');
  if (raw.e * 1000 <= now.getTime()) {
    throw new DomainError(410, 'link_expired', 'this case link has expired; open the case from the admin API', [{ field: 'token', message: 'expired' }]);
  }
  const fingerprint = raw.o;
  return { caseId: raw.k, ownerMatches: (owner) => ownerFingerprint(owner) === fingerprint };
}

/** What a dashboard session binds: one API key (by its hash, so the key itself never sits in a cookie), until it expires. */
export interface SessionClaims {
  readonly keyHash: string;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
  /** When it was signed in, milliseconds since the epoch (0 for sessions issued before this was recorded): a sign-out of the key ends it. */
  readonly issuedAt: number;
}

const SESSION_DOMAIN = 'dashboard-session.v1.';
export const SESSION_HOURS = 8;

export function sessionToken(secret: string, claims: SessionClaims): string {
  const payload = b64url(JSON.stringify({ h: claims.keyHash, e: claims.expiresAt, i: claims.issuedAt }));
  return `${payload}.${b64url(sign(secret, SESSION_DOMAIN + payload))}`;
}

/** The session's claims, or `undefined` when it is forged, malformed or over (the page then asks to sign in). */
export function verifySessionToken(secret: string, token: string, now: Date): SessionClaims | undefined {
  try {
    const raw = signedPayload<{ h: string; e: number; i?: number }>(secret, token, SESSION_DOMAIN);
    if (typeof raw.h !== 'string' || !/^[0-9a-f]{64}$/.test(raw.h) || typeof raw.e !== 'number' || raw.e * 1000 <= now.getTime()) return undefined;
    return { keyHash: raw.h, expiresAt: raw.e, issuedAt: typeof raw.i === 'number' ? raw.i : 0 };
  } catch {
    return undefined;
  }
}
