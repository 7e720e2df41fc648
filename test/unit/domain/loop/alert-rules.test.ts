import { checkRuleDestinations } from '../../../../lambdas/domain/destinations/routes';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { holds, ruleWarnings, setAlertRules, type RuleContext } from '../../../../lambdas/domain/loop/alert-rules';
import { AlertRulesRequestSchema, ConditionSchema, type Condition } from '../../../../lambdas/domain/surveys/alert-rules';
import { openCase } from '../../../../lambdas/domain/loop/alerts';
import { scoreResponse } from '../../../../lambdas/domain/scoring/scoring';
import { MemoryStore } from '../../support/memory-store';
import { NOW, response, survey } from '../../support/fixtures';

const context = fc.record({
  nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  segment: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
  comment: fc.option(fc.constantFrom('I will cancel', 'fine', ''), { nil: undefined }),
  channel: fc.constantFrom('web', 'sms', 'email'),
}).map(
  (c): RuleContext => ({
    answers: c.nps === undefined ? {} : { nps: c.nps },
    touchpoint: 'delivery',
    channel: c.channel as RuleContext['channel'],
    ...(c.segment && { attributes: { segment: c.segment } }),
    ...(c.comment !== undefined && { comment: c.comment }),
    scores: scoreResponse(survey(), c.nps === undefined ? {} : { nps: c.nps }, 1),
  }),
);
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constant('nps'), op: fc.constantFrom('lt', 'lte', 'gt', 'gte', 'eq', 'neq'), value: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ field: fc.constant('attributes.segment'), op: fc.constantFrom('eq', 'neq'), value: fc.constantFrom('gold', 'silver') }),
  fc.record({ field: fc.constant('comment'), op: fc.constant('contains'), value: fc.constantFrom('cancel', 'CANCEL', 'x') }),
  fc.record({ field: fc.constant('channel'), op: fc.constant('in'), value: fc.constant(['sms', 'email']) }),
) as fc.Arbitrary<Condition>;
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.record({ all: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }), fc.record({ not: tie('c') })),
})).c;

describe('rule evaluation (properties)', () => {
  it('every generated condition is valid; not inverts; all and any of one are that one; all implies any', () => {
    fc.assert(
      fc.property(condition, context, (c, ctx) => {
        expect(ConditionSchema.safeParse(c).success).toBe(true);
        expect(holds({ not: c }, ctx)).toBe(!holds(c, ctx));
        expect(holds({ all: [c] }, ctx)).toBe(holds(c, ctx));
        expect(holds({ any: [c] }, ctx)).toBe(holds(c, ctx));
        if (holds({ all: [c, { not: c }] }, ctx)) throw new Error('a condition and its negation both held');
        expect(holds({ any: [c, { not: c }] }, ctx)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('"nps lte N" matches exactly the answers the NPS threshold alerted on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (value, threshold) => {
        const ctx = { answers: { nps: value }, touchpoint: 't', channel: 'web' as const, scores: scoreResponse(survey(), { nps: value }, 1) };
        expect(holds({ field: 'nps', op: 'lte', value: threshold }, ctx)).toBe(value <= threshold);
      }),
    );
  });

  it('a missing value never matches a comparison', () => {
    const ctx = { answers: {}, touchpoint: 't', channel: 'web' as const, scores: scoreResponse(survey(), {}, 1) };
    for (const op of ['lt', 'lte', 'gt', 'gte', 'eq', 'neq', 'contains'] as const) expect(holds({ field: 'nps', op, value: 5 }, ctx)).toBe(false);
    expect(holds({ field: 'attributes.__proto__', op: 'eq', value: 'x' }, ctx)).toBe(false);
  });

  it('refuses unknown fields, a list for a single-value operator, and duplicate rule ids', () => {
    expect(ConditionSchema.safeParse({ field: 'password', op: 'eq', value: 1 }).success).toBe(false);
    expect(ConditionSchema.safeParse({ field: 'nps', op: 'lte', value: [1, 2] }).success).toBe(false);
    expect(ConditionSchema.safeParse({ field: 'channel', op: 'in', value: 'sms' }).success).toBe(false);
    const rule = { id: 'r', name: 'R', when: { field: 'nps', op: 'lte', value: 6 } };
    expect(AlertRulesRequestSchema.safeParse({ rules: [rule, rule] }).error!.issues[0].path).toEqual(['rules', 1, 'id']);
  });
});

describe('cases from rules', () => {
  const rules = AlertRulesRequestSchema.parse({
    rules: [
      { id: 'gold-detractor', name: 'Gold detractor', when: { all: [{ field: 'nps', op: 'lte', value: 6 }, { field: 'attributes.segment', op: 'eq', value: 'gold' }] }, severity: 'high', routeTo: { owner: 'key-accounts@example.com', team: 'key-accounts' } },
      { id: 'churn-word', name: 'Mentions cancelling', when: { field: 'comment', op: 'contains', value: 'cancel' }, severity: 'critical', routeTo: { team: 'retention', destination: 'dst_retention' } },
      { id: 'off', name: 'Disabled', when: { field: 'nps', op: 'gte', value: 0 }, enabled: false },
    ],
  }).rules;
  const withRules = () => ({ ...survey(), alertRules: { surveyId: 'srv1', version: 1, rules, updatedAt: NOW.toISOString(), updatedBy: 't' } });

  it('opens one case with every matched reason, the worst severity and the first routing', () => {
    const kase = openCase(withRules(), response({ nps: 3, comment: 'I will CANCEL my contract' }, { attributes: { segment: 'gold' } }), NOW)!;
    expect(kase.reasons).toEqual(['Gold detractor: likelihood to recommend at most 6 and segment is "gold"', 'Mentions cancelling: the comment contains "cancel"']);
    expect(kase).toMatchObject({ severity: 'critical', owner: 'key-accounts@example.com', team: 'key-accounts', destinations: ['dst_retention'] });
    expect(openCase(withRules(), response({ nps: 3 }, { attributes: { segment: 'gold' } }), NOW)!.destinations).toBeUndefined();
  });

  it('refuses a route to a destination that is missing, disabled, or does not take case.opened, naming the rule', async () => {
    const known = new Map([
      ['dst_ok', { enabled: true, events: ['case.opened'] }],
      ['dst_off', { enabled: false, events: ['case.opened'] }],
      ['dst_resolved', { enabled: true, events: ['case.resolved'] }],
    ]);
    const store = { getDestination: async (id: string) => known.get(id) as never };
    const routed = (...ids: string[]) => ids.map((destination) => ({ routeTo: { destination } }));
    await expect(checkRuleDestinations([{}, ...routed('dst_ok')], store)).resolves.toBeUndefined();
    await expect(checkRuleDestinations(routed('dst_ok', 'dst_none', 'dst_off', 'dst_resolved'), store)).rejects.toMatchObject({
      status: 400,
      details: [
        { field: 'rules.1.routeTo.destination', message: 'no such destination' },
        { field: 'rules.2.routeTo.destination', message: 'the destination is disabled' },
        { field: 'rules.3.routeTo.destination', message: expect.stringContaining('case.opened') },
      ],
    });
  });

  it('replaces the thresholds: a promoter who mentions cancelling opens a case; a silver detractor does not', () => {
    expect(openCase(withRules(), response({ nps: 9, comment: 'great, but I may cancel' }), NOW)).toMatchObject({ team: 'retention', owner: 'lead@example.com', severity: 'critical' });
    expect(openCase(withRules(), response({ nps: 2 }, { attributes: { segment: 'silver' } }), NOW)).toBeUndefined();
    expect(openCase(survey(), response({ nps: 2 }), NOW)).toBeDefined();
  });

  it('versions every change and refuses a stale or missing If-Match', async () => {
    const store = new MemoryStore();
    await store.putSurvey(survey());
    const first = await setAlertRules(store, (await store.getSurvey('srv1'))!, rules, undefined, 'a', NOW);
    expect(first.version).toBe(1);
    await expect(setAlertRules(store, (await store.getSurvey('srv1'))!, [], undefined, 'b', NOW)).rejects.toMatchObject({ status: 428 });
    await expect(setAlertRules(store, (await store.getSurvey('srv1'))!, [], 0, 'b', NOW)).rejects.toMatchObject({ status: 409 });
    expect((await setAlertRules(store, (await store.getSurvey('srv1'))!, [], 1, 'b', NOW)).version).toBe(2);
    expect(await store.getAlertRules('srv1', 1)).toMatchObject({ rules: [{ id: 'gold-detractor' }, { id: 'churn-word' }, { id: 'off' }] });
  });
});

describe('rule sets that would silence a survey', () => {
  const rule = (over: Record<string, unknown> = {}) => ({ id: 'r', name: 'Detractor', when: { field: 'nps', op: 'lte', value: 6 }, ...over });

  it('refuses an empty list and one whose rules are all disabled, naming `rules`', () => {
    for (const rules of [[], [rule({ enabled: false })]]) {
      const parsed = AlertRulesRequestSchema.safeParse({ rules });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['rules']);
    }
    expect(AlertRulesRequestSchema.safeParse({ rules: [rule({ enabled: false }), rule({ id: 'on' })] }).success).toBe(true);
  });

  it('warns when an NPS 0 answer would open no case, and only then', () => {
    const narrow = AlertRulesRequestSchema.parse({ rules: [rule({ when: { field: 'attributes.segment', op: 'eq', value: 'gold' } })] }).rules;
    expect(ruleWarnings(survey(), narrow)).toEqual([expect.objectContaining({ field: 'rules' })]);
    expect(ruleWarnings(survey(), AlertRulesRequestSchema.parse({ rules: [rule()] }).rules)).toEqual([]);
  });

  it('go back to the thresholds when a version has no rules (DELETE)', () => {
    const bad = response({ nps: 1 });
    const withoutRules = { ...survey(), alertRules: { surveyId: 'srv1', version: 3, rules: [], updatedAt: NOW.toISOString(), updatedBy: 'a' } };
    expect(openCase(withoutRules, bad, NOW)?.reasons[0]).toBe('Likelihood to recommend: 1 — alert at 6 or below');
  });

  it('README\'s example parses and alerts on an NPS 0 answer', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const body = /alert-rules" [^]*?-d '(\{"rules":[^]*?)'/.exec(readme)?.[1];
    expect(body).toBeDefined();
    const parsed = AlertRulesRequestSchema.parse(JSON.parse(body!));
    expect(parsed.rules.length).toBeGreaterThan(1);
    expect(ruleWarnings(survey(), parsed.rules)).toEqual([]);
  });
});
