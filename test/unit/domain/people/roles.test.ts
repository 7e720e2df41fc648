import fc from 'fast-check';
import { authorize, createApiKey, describeApiKey } from '../../../../lambdas/domain/people/api-keys';
import { caseScopeOf, NewApiKeySchema, seesCase, seesResponse, seesSurvey, type Caller } from '../../../../lambdas/domain/people/roles';
import { MemoryStore } from '../../support/memory-store';
import { NOW } from '../../support/fixtures';

const admin: Caller = { keyName: 'a', role: 'admin', scope: {} };
const analyst: Caller = { keyName: 'b', role: 'analyst', scope: {} };
const manager = (scope: Caller['scope']): Caller => ({ keyName: 'm', role: 'manager', scope });

describe('roles', () => {
  it('an admin sees everything, an analyst no person, a manager the surveys and touchpoints of their scope', () => {
    const response = { surveyId: 's1', touchpoint: 'support-call' };
    expect(seesResponse(admin, response)).toBe(true);
    expect(seesResponse(analyst, response)).toBe(false);
    expect(seesResponse(manager({ surveys: ['s1'] }), response)).toBe(true);
    expect(seesResponse(manager({ surveys: ['s2'] }), response)).toBe(false);
    expect(seesResponse(manager({ touchpoints: ['support-call'] }), response)).toBe(true);
    // Both dimensions given: both must hold.
    expect(seesResponse(manager({ surveys: ['s1'], touchpoints: ['billing'] }), response)).toBe(false);
    expect(seesResponse(manager({ touchpoints: ['billing'] }), { surveyId: 's1' })).toBe(false);
    // A team-only manager sees responses only through their cases.
    expect(seesResponse(manager({ teams: ['care'] }), response)).toBe(false);
  });

  it('a manager sees the cases of their teams or of their surveys', () => {
    const kase = { surveyId: 's9', touchpoint: 'billing', team: 'care' };
    expect(seesCase(manager({ teams: ['care'] }), kase)).toBe(true);
    expect(seesCase(manager({ teams: ['sales'] }), kase)).toBe(false);
    expect(seesCase(manager({ surveys: ['s9'], teams: ['sales'] }), kase)).toBe(true);
    expect(seesCase(analyst, kase)).toBe(false);
    expect(caseScopeOf(admin)).toBeUndefined();
    expect(caseScopeOf(manager({ teams: ['care'] }))).toEqual({ teams: ['care'] });
  });

  it('survey definitions: analysts read all, managers those not outside their survey list', () => {
    expect(seesSurvey(analyst, 's1')).toBe(true);
    expect(seesSurvey(manager({ surveys: ['s1'] }), 's2')).toBe(false);
    expect(seesSurvey(manager({ touchpoints: ['x'] }), 's2')).toBe(true);
  });

  it('whatever the scope, a manager never sees what is outside every given dimension (property)', () => {
    const id = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(fc.record({ surveys: fc.option(fc.array(id, { minLength: 1 }), { nil: undefined }), touchpoints: fc.option(fc.array(id, { minLength: 1 }), { nil: undefined }) }), id, id, (scope, surveyId, touchpoint) => {
        const seen = seesResponse(manager(scope), { surveyId, touchpoint });
        const expected = (scope.surveys !== undefined || scope.touchpoints !== undefined) && (scope.surveys?.includes(surveyId) ?? true) && (scope.touchpoints?.includes(touchpoint) ?? true);
        expect(seen).toBe(expected);
      }),
    );
  });

  it('a new key: a manager needs a scope, only a manager has one, unknown fields are refused', () => {
    const issues = (body: unknown) => (NewApiKeySchema.safeParse(body).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(issues({ name: 'm', role: 'manager' })).toEqual(['scope']);
    expect(issues({ name: 'm', role: 'manager', scope: {} })).toEqual(['scope']);
    expect(issues({ name: 'a', role: 'analyst', scope: { teams: ['x'] } })).toEqual(['scope']);
    expect(issues({ name: 'a', role: 'admin', extra: 1 })).toEqual(['']);
    expect(issues({ name: 'm', role: 'manager', scope: { teams: ['care\nx'] } })).toEqual(['scope.teams.0']);
    expect(NewApiKeySchema.parse({ name: 'ops' })).toEqual({ name: 'ops', role: 'admin' });
  });

  it('a revoked key is refused; a listing shows the key id, never the hash', async () => {
    const store = new MemoryStore();
    const { key, record } = await createApiKey(store, { name: 'lead', role: 'manager', scope: { surveys: ['s1'] } }, NOW);
    expect(await authorize(store, key)).toMatchObject({ role: 'manager', scope: { surveys: ['s1'] } });
    expect(describeApiKey(record)).not.toHaveProperty('keyHash');
    expect(record.keyId).toBe(record.keyHash.slice(0, 16));
    await store.revokeApiKey(record.keyId, NOW);
    expect(await authorize(store, key)).toBe('denied');
  });
});
