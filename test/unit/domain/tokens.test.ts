import { DomainError } from '../../../lambdas/domain/errors';
import { contactFingerprint, issueLinkToken, verifyLinkToken } from '../../../lambdas/domain/tokens';

const SECRET = 'test-secret-of-some-length';
const claims = { invitationId: 'inv1', surveyId: 'srv1', contact: 'abc', expiresAt: Date.parse('2026-12-24T00:00:00Z') / 1000 };
const now = new Date('2026-11-24T00:00:00Z');

function failure(token: string, secret = SECRET, at = now) {
  try {
    verifyLinkToken(secret, token, at);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return { status: (error as DomainError).status, code: (error as DomainError).code };
  }
  throw new Error('token was accepted');
}

describe('link tokens', () => {
  const token = issueLinkToken(SECRET, claims);

  it('round-trips and is URL-safe', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyLinkToken(SECRET, token, now)).toEqual(claims);
  });

  it('refuses a tampered payload, a tampered signature, another secret and junk', () => {
    const [payload, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify({ v: 1, i: 'inv2', s: 'srv1', c: 'abc', e: claims.expiresAt })).toString('base64url');
    expect(failure(`${other}.${signature}`)).toEqual({ status: 400, code: 'invalid_token' });
    expect(failure(`${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toEqual({ status: 400, code: 'invalid_token' });
    expect(failure(token, 'another-secret')).toEqual({ status: 400, code: 'invalid_token' });
    expect(failure('not-a-token')).toEqual({ status: 400, code: 'invalid_token' });
    expect(failure(`${payload}`)).toEqual({ status: 400, code: 'invalid_token' });
  });

  it('expires with 410', () => {
    expect(failure(token, SECRET, new Date(claims.expiresAt * 1000))).toEqual({ status: 410, code: 'link_expired' });
  });

  it('refuses a correctly signed payload of the wrong shape', () => {
    const forged = issueLinkToken(SECRET, { ...claims, expiresAt: 'soon' as unknown as number });
    expect(failure(forged)).toEqual({ status: 400, code: 'invalid_token' });
  });

  it('fingerprints contacts case-insensitively by e-mail', () => {
    expect(contactFingerprint({ email: 'Ann@Example.com' })).toBe(contactFingerprint({ email: 'ann@example.com' }));
    expect(contactFingerprint({ email: 'ann@example.com', customerId: 'c1' })).not.toBe(contactFingerprint({ email: 'ann@example.com' }));
  });
});
