import * as z from 'zod/mini';
import '../../shared/zod';
import { DomainError } from '../kernel/errors';
import { externalId, safeKey } from '../kernel/identifiers';
import type { FeedbackStore } from '../ports';
import type { SurveyResponse } from '../surveys/response';
import type { Survey } from '../surveys/survey';
import { SEVERITIES, type ResponseScores } from '../scoring/scoring';

/**
 * What a rule can look at: the scores (`nps`, `csat`, `ces`, `loyaltyIndex`), where the answer came from
 * (`touchpoint`, `channel`), the free text (`comment`), any answer (`answers.<questionId>`) and the
 * response's attributes (`attributes.<name>`, e.g. a segment passed with the response).
 */
const FIELD = /^(nps|csat|ces|loyaltyIndex|touchpoint|channel|comment|(answers|attributes)\.[A-Za-z0-9_.:-]{1,64}|profile\.(segment|lifetimeValue|contractState|contractEndsAt|lastTransactionAt|lastTransactionAmount|accountManager))$/;
const OPERATORS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'contains', 'in'] as const;

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly field: string; readonly op: (typeof OPERATORS)[number]; readonly value: string | number | boolean | readonly (string | number)[] };

const scalar = z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean()]);
export const ConditionSchema: z.ZodMiniType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).check(z.minLength(1), z.maxLength(20)) }),
    z.strictObject({ any: z.array(ConditionSchema).check(z.minLength(1), z.maxLength(20)) }),
    z.strictObject({ not: ConditionSchema }),
    z.strictObject({
      field: z.string().check(z.regex(FIELD, 'a score (nps, csat, ces, loyaltyIndex), touchpoint, channel, comment, answers.<id>, attributes.<name> or profile.<CRM field>')),
      op: z.enum(OPERATORS),
      value: z.union([scalar, z.array(z.union([z.string().check(z.maxLength(200)), z.number()])).check(z.minLength(1), z.maxLength(50))]),
    }).check(z.refine((c) => (c.op === 'in') === Array.isArray(c.value), { path: ['value'], message: '"in" takes a list; the other operators one value' })),
  ]),
);

export const AlertRuleSchema = z.strictObject({
  id: safeKey(40),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'one line')),
  when: ConditionSchema,
  /** The case is at least this severe when the rule matches. @default medium */
  severity: z._default(z.enum(SEVERITIES), 'medium'),
  /** Who gets the case when this rule matches (the first matching rule that routes decides). */
  routeTo: z.optional(z.strictObject({
    owner: z.optional(z.email()),
    team: z.optional(externalId(64)),
    /** The customer's account manager from their CRM profile; falls back to `owner`, then the survey owner. */
    profileField: z.optional(z.literal('accountManager')),
  })),
  enabled: z._default(z.boolean(), true),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const AlertRulesRequestSchema = z.strictObject({ rules: z.array(AlertRuleSchema).check(z.maxLength(50)) }).check(z.superRefine((r, ctx) => {
  const seen = new Set<string>();
  r.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
}));

/** What rules are evaluated against: one response with its scores. */
export type RuleContext = Pick<SurveyResponse, 'answers' | 'touchpoint' | 'channel' | 'attributes' | 'profile'> & { readonly scores: ResponseScores; readonly comment?: string };

function valueOf(field: string, ctx: RuleContext): unknown {
  if (field === 'nps' || field === 'csat' || field === 'ces') return ctx.scores[field]?.value;
  if (field === 'loyaltyIndex') return ctx.scores.loyaltyIndex;
  if (field === 'touchpoint') return ctx.touchpoint;
  if (field === 'channel') return ctx.channel;
  if (field === 'comment') return ctx.comment;
  const [scope, ...rest] = field.split('.');
  const key = rest.join('.');
  const source: Record<string, unknown> | undefined = scope === 'answers' ? ctx.answers : scope === 'profile' ? ctx.profile : ctx.attributes;
  return source && Object.hasOwn(source, key) ? source[key] : undefined;
}

/** Whether a condition holds. A missing value makes every comparison false (and `not` of it true). Pure. */
export function holds(condition: Condition, ctx: RuleContext): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, ctx));
  if ('any' in condition) return condition.any.some((c) => holds(c, ctx));
  if ('not' in condition) return !holds(condition.not, ctx);
  const actual = valueOf(condition.field, ctx);
  if (actual === undefined) return false;
  const expected = condition.value;
  switch (condition.op) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'lt':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'lte':
      return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
    case 'gt':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'gte':
      return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
    case 'contains':
      return typeof actual === 'string' && typeof expected === 'string' && actual.toLowerCase().includes(expected.toLowerCase());
    case 'in':
      return Array.isArray(expected) && expected.includes(actual as string | number);
  }
}

/** A condition in words, for the case's reasons ("nps <= 6 and attributes.segment = gold"). */
export function describe(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describe).join(' and ');
  if ('any' in condition) return `(${condition.any.map(describe).join(' or ')})`;
  if ('not' in condition) return `not (${describe(condition.not)})`;
  const ops = { eq: '=', neq: '≠', lt: '<', lte: '<=', gt: '>', gte: '>=', contains: 'contains', in: 'in' } as const;
  return `${condition.field} ${ops[condition.op]} ${JSON.stringify(condition.value)}`;
}

/** Every enabled rule that matches, in order. Pure. */
export const matchingRules = (rules: readonly AlertRule[], ctx: RuleContext) => rules.filter((r) => r.enabled && holds(r.when, ctx));

/** The stored rule set of a survey: a version that grows with every change. */
export interface AlertRuleSet {
  readonly surveyId: string;
  readonly version: number;
  readonly rules: readonly AlertRule[];
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export const staleRules = (expected: number, actual: number) =>
  new DomainError(409, 'version_conflict', `the rules changed meanwhile (now version ${actual}); read them again and resend`, [
    { field: 'If-Match', message: `expected version ${expected}, found ${actual}` },
  ]);

/**
 * Replaces a survey's rules with a new version. `expectedVersion` is the version the caller read (the
 * `If-Match` header); it is required once the survey has rules, so two editors never overwrite each other.
 */
export async function setAlertRules(
  store: Pick<FeedbackStore, 'saveAlertRules' | 'getSurvey'>,
  survey: Survey,
  rules: readonly AlertRule[],
  expectedVersion: number | undefined,
  by: string,
  now: Date,
): Promise<AlertRuleSet> {
  const current = survey.alertRules?.version ?? 0;
  if (expectedVersion === undefined && current > 0) {
    throw new DomainError(428, 'precondition_required', 'send If-Match with the version of the rules you read', [{ field: 'If-Match', message: `the rules are at version ${current}` }]);
  }
  const expected = expectedVersion ?? 0;
  if (expected !== current) throw staleRules(expected, current);
  const set: AlertRuleSet = { surveyId: survey.id, version: current + 1, rules, updatedAt: now.toISOString(), updatedBy: by };
  if (!(await store.saveAlertRules(set, expected))) {
    const fresh = await store.getSurvey(survey.id);
    throw staleRules(expected, fresh?.alertRules?.version ?? 0);
  }
  return set;
}
