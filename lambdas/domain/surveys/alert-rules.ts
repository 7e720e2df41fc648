import * as z from 'zod/mini';
import '../kernel/zod';
import { externalId, safeKey } from '../kernel/identifier-schemas';
import { SEVERITIES } from './scores';

/* The language of alert rules, as a survey stores them; domain/loop evaluates them. */

/**
 * What a rule can look at: the scores (`nps`, `csat`, `ces`, `loyaltyIndex`), where the answer came from
 * (`touchpoint`, `channel`), the free text (`comment`) and its analysis (`comment.sentiment`: negative, neutral
 * or positive; `comment.score` from -1 to 1; `comment.themes`: theme ids, with `contains` or `in`;
 * `comment.negativeThemes`: the themes said in a negative clause, as in "great app but still no refund"), any answer
 * (`answers.<questionId>`) and the response's attributes (`attributes.<name>`, e.g. a segment passed with the response).
 */
const FIELD = /^(nps|csat|ces|loyaltyIndex|touchpoint|channel|comment|comment\.(sentiment|score|themes|negativeThemes)|(answers|attributes)\.[A-Za-z0-9_.:-]{1,64}|profile\.(segment|lifetimeValue|contractState|contractEndsAt|lastTransactionAt|lastTransactionAmount|accountManager))$/;
const OPERATORS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'contains', 'in'] as const;

const SENTIMENT_VALUES = ['negative', 'neutral', 'positive'];
const THEME_ID = /^[a-z][a-z0-9-]{0,39}$/;

/** What a condition on the comment's analysis may compare, so a rule that could never match is refused. */
function analysisFieldProblem(c: { field: string; op: string; value: unknown }): { path: 'op' | 'value'; message: string } | undefined {
  const values = Array.isArray(c.value) ? c.value : [c.value];
  if (c.field === 'comment.sentiment') {
    if (!['eq', 'neq', 'in'].includes(c.op)) return { path: 'op', message: 'the sentiment takes eq, neq or in' };
    if (!values.every((v) => SENTIMENT_VALUES.includes(v as string))) return { path: 'value', message: 'negative, neutral or positive' };
  }
  if (c.field === 'comment.score') {
    if (!['lt', 'lte', 'gt', 'gte'].includes(c.op)) return { path: 'op', message: 'the score takes lt, lte, gt or gte' };
    if (typeof c.value !== 'number' || c.value < -1 || c.value > 1) return { path: 'value', message: 'a number from -1 to 1' };
  }
  if (c.field === 'comment.themes' || c.field === 'comment.negativeThemes') {
    if (!['contains', 'in'].includes(c.op)) return { path: 'op', message: 'themes take contains (one theme) or in (any of several)' };
    if (!values.every((v) => typeof v === 'string' && THEME_ID.test(v) && v !== 'constructor' && v !== 'prototype')) return { path: 'value', message: 'theme ids: lower-case letters, digits and "-"' };
  }
  return undefined;
}

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
      field: z.string().check(z.regex(FIELD, 'a score (nps, csat, ces, loyaltyIndex), touchpoint, channel, comment, comment.sentiment, comment.score, comment.themes, comment.negativeThemes, answers.<id>, attributes.<name> or profile.<CRM field>')),
      op: z.enum(OPERATORS),
      value: z.union([scalar, z.array(z.union([z.string().check(z.maxLength(200)), z.number()])).check(z.minLength(1), z.maxLength(50))]),
    }).check(
      z.refine((c) => (c.op === 'in') === Array.isArray(c.value), { path: ['value'], message: '"in" takes a list; the other operators one value' }),
      z.superRefine((c, ctx) => {
        const problem = analysisFieldProblem(c);
        if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
      }),
    ),
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
    /** A destination (its id) that gets this rule's cases: case.opened and the case events it subscribes to, whatever its filter. */
    destination: z.optional(safeKey(64)),
  })),
  enabled: z._default(z.boolean(), true),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

/**
 * A replacement rule set. An empty one, or one with every rule disabled, would silence every alert of the
 * survey: it is refused (`DELETE …/alert-rules` goes back to the survey's thresholds instead).
 */
export const AlertRulesRequestSchema = z.strictObject({ rules: z.array(AlertRuleSchema).check(z.maxLength(50)) }).check(z.superRefine((r, ctx) => {
  if (!r.rules.some((rule) => rule.enabled)) {
    const why = r.rules.length === 0 ? 'is empty' : 'has no enabled rule';
    ctx.addIssue({ code: 'custom', path: ['rules'], message: `${why}: it would turn every alert of the survey off; DELETE the rules to go back to the survey's thresholds` });
  }
  const seen = new Set<string>();
  r.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
}));

/** The stored rule set of a survey: a version that grows with every change. No rules: the survey's thresholds apply. */
export interface AlertRuleSet {
  readonly surveyId: string;
  readonly version: number;
  readonly rules: readonly AlertRule[];
  readonly updatedAt: string;
  readonly updatedBy: string;
}

