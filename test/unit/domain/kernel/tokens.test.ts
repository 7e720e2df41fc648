import { DomainError } from '../../../../lambdas/domain/kernel/errors';
import { caseLinkToken, contactFingerprint, issueLinkToken, verifyCaseLinkToken, verifyLinkToken } from '../../../../lambdas/domain/kernel/tokens';

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

describe('case link tokens', () => {
  const claims = { caseId: 'case1', owner: 'Lead@Example.com', expiresAt: Math.floor(Date.parse('2026-12-24T12:00:00Z') / 1000) };
  const now = new Date('2026-11-24T12:00:00Z');

  it('binds one case to its owner until it expires', () => {
    const verified = verifyCaseLinkToken('s3cret', caseLinkToken('s3cret', claims), now);
    expect(verified.caseId).toBe('case1');
    expect(verified.ownerMatches('lead@example.com')).toBe(true);
    expect(verified.ownerMatches('someone@example.com')).toBe(false);
    expect(() => verifyCaseLinkToken('s3cret', caseLinkToken('s3cret', claims), new Date('2026-12-25T00:00:00Z'))).toThrow(expect.objectContaining({ status: 410 }));
  });

  it('refuses a tampered token, another secret, and a survey-link token passed as a case link (and the reverse)', () => {
    const token = caseLinkToken('s3cret', claims);
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'other-case', o: 'x', e: claims.expiresAt })).toString('base64url');
    expect(() => verifyCaseLinkToken('s3cret', `${forged}.${signature}`, now)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => verifyCaseLinkToken('other', token, now)).toThrow(expect.objectContaining({ status: 400 }));
    const surveyLink = issueLinkToken('s3cret', { invitationId: 'case1', surveyId: 's', contact: 'c', expiresAt: claims.expiresAt });
    expect(() => verifyCaseLinkToken('s3cret', surveyLink, now)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => verifyLinkToken('s3cret', `${payload}.${signature}`, now)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
