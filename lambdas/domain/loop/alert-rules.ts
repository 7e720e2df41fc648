import { DomainError } from '../kernel/errors';
import type { AlertRule, AlertRuleSet, Condition } from '../surveys/alert-rules';
import type { SurveyStore } from '../surveys/ports';
import type { SurveyResponse } from '../surveys/response';
import type { ResponseScores } from '../surveys/scores';
import type { Survey } from '../surveys/survey';
import type { ErrorDetail } from '../kernel/errors';
import { scoreResponse } from '../scoring/scoring';

/* Evaluating a survey's alert rules against a response, and replacing them with a new version. */

/** What rules are evaluated against: one response with its scores. */
export type RuleContext = Pick<SurveyResponse, 'answers' | 'touchpoint' | 'channel' | 'attributes' | 'profile' | 'analysis'> & { readonly scores: ResponseScores; readonly comment?: string };

function valueOf(field: string, ctx: RuleContext): unknown {
  if (field === 'nps' || field === 'csat' || field === 'ces') return ctx.scores[field]?.value;
  if (field === 'loyaltyIndex') return ctx.scores.loyaltyIndex;
  if (field === 'touchpoint') return ctx.touchpoint;
  if (field === 'channel') return ctx.channel;
  if (field === 'comment') return ctx.comment;
  if (field.startsWith('comment.')) return analysisValue(field, ctx);
  const [scope, ...rest] = field.split('.');
  const key = rest.join('.');
  const source: Record<string, unknown> | undefined = scope === 'answers' ? ctx.answers : scope === 'profile' ? ctx.profile : ctx.attributes;
  return source && Object.hasOwn(source, key) ? source[key] : undefined;
}

/** The analysis of the answers being judged (one of an earlier revision reads as missing). */
function analysisValue(field: string, ctx: RuleContext): unknown {
  const analysis = ctx.analysis?.revision === ctx.scores.revision ? ctx.analysis : undefined;
  if (field === 'comment.sentiment') return analysis?.sentiment;
  if (field === 'comment.score') return analysis?.score;
  if (field === 'comment.negativeThemes') return analysis?.themes.filter((t) => analysis.themeSentiments[t] === 'negative');
  return analysis?.themes;
}

/** Whether a condition holds. A missing value makes every comparison false (and `not` of it true). Pure. */
export function holds(condition: Condition, ctx: RuleContext): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, ctx));
  if ('any' in condition) return condition.any.some((c) => holds(c, ctx));
  if ('not' in condition) return !holds(condition.not, ctx);
  const actual = valueOf(condition.field, ctx);
  if (actual === undefined) return false;
  const expected = condition.value;
  // A list (the comment's themes): `contains` one theme, `in` any of several (the schema allows no other).
  if (Array.isArray(actual)) {
    if (condition.op === 'contains') return actual.includes(expected);
    if (condition.op === 'in') return Array.isArray(expected) && expected.some((v) => actual.includes(v));
    return false;
  }
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

const FIELD_WORDS: Record<string, string> = {
  nps: 'likelihood to recommend',
  csat: 'satisfaction',
  ces: 'effort',
  touchpoint: 'touchpoint',
  channel: 'channel',
  comment: 'the comment',
  'comment.sentiment': "the comment's sentiment",
  'comment.score': "the comment's sentiment score",
  'comment.themes': "the comment's themes",
  'comment.negativeThemes': "the comment's negative themes",
};

/** A rule's field as a person reads it: "likelihood to recommend", "segment", "the customer's segment". */
function fieldInWords(field: string): string {
  if (FIELD_WORDS[field]) return FIELD_WORDS[field];
  const [head, ...rest] = field.split('.');
  const name = rest.join('.');
  if (head === 'profile') return `the customer's ${name}`;
  if (head === 'attributes') return name;
  if (head === 'answers') return `the answer to ${name}`;
  return field;
}

/** A condition in words, for the case's reasons ("likelihood to recommend at most 6 and segment is gold"). */
export function describe(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describe).join(' and ');
  if ('any' in condition) return `(${condition.any.map(describe).join(' or ')})`;
  if ('not' in condition) return `not (${describe(condition.not)})`;
  const ops = { eq: 'is', neq: 'is not', lt: 'below', lte: 'at most', gt: 'above', gte: 'at least', contains: 'contains', in: 'is one of' } as const;
  const value = Array.isArray(condition.value) ? condition.value.map((v) => JSON.stringify(v)).join(', ') : JSON.stringify(condition.value);
  return `${fieldInWords(condition.field)} ${ops[condition.op]} ${value}`;
}

/** Every enabled rule that matches, in order. Pure. */
export const matchingRules = (rules: readonly AlertRule[], ctx: RuleContext) => rules.filter((r) => r.enabled && holds(r.when, ctx));

export const staleRules = (expected: number, actual: number) =>
  new DomainError(409, 'version_conflict', `the rules changed meanwhile (now version ${actual}); read them again and resend`, [
    { field: 'If-Match', message: `expected version ${expected}, found ${actual}` },
  ]);

/**
 * Replaces a survey's rules with a new version. `expectedVersion` is the version the caller read (the
 * `If-Match` header); it is required once the survey has rules, so two editors never overwrite each other.
 */
export async function setAlertRules(
  store: Pick<SurveyStore, 'saveAlertRules' | 'getSurvey'>,
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

/**
 * What a rule set would leave unalerted that the thresholds catch: an NPS 0 answer (the worst possible) on
 * the survey's own touchpoint, with no comment, attributes or profile. A warning, not a refusal: rules may
 * narrow on purpose (one segment, one channel), but nobody should do it by accident.
 */
export function ruleWarnings(survey: Survey, rules: readonly AlertRule[]): ErrorDetail[] {
  const nps = survey.questions.find((q) => q.type === 'nps');
  if (!nps) return [];
  const answers = { [nps.id]: 0 };
  const worst: RuleContext = { answers, touchpoint: survey.touchpoint, channel: 'web', scores: scoreResponse(survey, answers, 1) };
  if (matchingRules(rules, worst).length > 0) return [];
  return [{ field: 'rules', message: `no enabled rule matches an NPS 0 answer on ${survey.touchpoint}: such an answer would open no case` }];
}

/** Whether a condition reads the comment's analysis (its rule then waits for the analysis). */
export function readsCommentAnalysis(condition: Condition): boolean {
  if ('all' in condition) return condition.all.some(readsCommentAnalysis);
  if ('any' in condition) return condition.any.some(readsCommentAnalysis);
  if ('not' in condition) return readsCommentAnalysis(condition.not);
  return condition.field.startsWith('comment.');
}

/** Whether any enabled rule of a set reads the comment's analysis. */
export const rulesReadAnalysis = (set: Pick<AlertRuleSet, 'rules'> | undefined): boolean => (set?.rules ?? []).some((r) => r.enabled && readsCommentAnalysis(r.when));
