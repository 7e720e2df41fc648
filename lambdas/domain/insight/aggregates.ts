import type { Invitation } from '../outreach/ports';
import type { CommentAnalysis } from '../comments/analysis';
import type { SurveyResponse } from '../surveys/response';
import { LOYALTY_SEGMENTS, type ResponseScores } from '../surveys/scores';

/**
 * Aggregates are counters per survey × touchpoint × channel × period (day and month; an ISO week is summed
 * from its days when it is read), kept by the
 * stream with atomic ADDs. Every counter is a plain number attribute, so an ADD never needs a map to exist:
 * - `responses`, `alerts` (responses that opened a case);
 * - NPS: `nps_n`, `nps_promoters`, `nps_passives`, `nps_detractors`;
 * - CSAT: `csat_n`, `csat_top2` (4–5), `csat_bottom` (1); CES: `ces_n`, `ces_sum`, `ces_sumsq`, `ces_high` (5–7, high effort);
 * - loyalty: `loyalty_n`, `loyalty_sum10` (index × 10, so sums stay whole numbers), `seg_<segment>`;
 * - histograms: `h:<questionId>:<value>` for every answer on a numeric scale;
 * - the e-mail funnel: `inv_sent`, `inv_delivered`, `inv_bounced` (as the provider reports), `inv_opened` (a
 *   one-click page served) from invitations, on the day they
 *   were created; `inv_answered`, `inv_completed` from responses to an invitation, on the day of the answer.
 * - comments (once analysed for the current revision): `cm_n` analysed, `cm_neg` / `cm_neu` / `cm_pos` by
 *   sentiment (a comment in a language the analyzer does not read counts in `cm_n` and `cm_unread`); per theme
 *   `th:<theme>` mentions (`th:unassigned` when a comment matched none), `th:<theme>:neg` / `:pos` by the
 *   sentiment of the clause it was found in, and `th:<theme>:nps_n` / `:prom` / `:det` for the NPS of the
 *   responses that mention it.
 * A response counts once it is scored for its current revision; a later revision takes its old counts back.
 */
export type Counters = Record<string, number>;
export type Granularity = 'D' | 'W' | 'M';
export const GRANULARITIES: readonly Granularity[] = ['D', 'W', 'M'];
/**
 * The periods the stream writes: days and months. Weeks are summed from their day cells when read (each week
 * cell written cost every answer 2 WRU; the week cells earlier releases wrote are no longer read).
 */
export const STORED_GRANULARITIES: readonly Granularity[] = ['D', 'M'];

export interface AggregateKey {
  readonly surveyId: string;
  readonly granularity: Granularity;
  /** `2026-11-24`, `2026-W48`, `2026-11`. */
  readonly period: string;
  readonly touchpoint: string;
  readonly channel: string;
}

/** Touchpoint of responses that have none, so every response lands in exactly one cell. */
export const NO_TOUCHPOINT = '(none)';

export const HISTOGRAM_PREFIX = 'h:';
export const histogramCounter = (questionId: string, value: number) => `${HISTOGRAM_PREFIX}${questionId}:${value}`;

/** ISO 8601 week of a date (`2026-W48`): weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(day: string): string {
  const DAY = 86_400_000;
  const mondayBased = (d: Date) => (d.getUTCDay() + 6) % 7;
  const date = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(date.getTime() + (3 - mondayBased(date)) * DAY);
  const january4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const firstThursday = new Date(january4.getTime() + (3 - mondayBased(january4)) * DAY);
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * DAY));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function periodOf(granularity: Granularity, day: string): string {
  if (granularity === 'D') return day;
  if (granularity === 'M') return day.slice(0, 7);
  return isoWeek(day);
}

/** Whether the response's scores belong to its current answers (otherwise its new scores are on their way). */
const isScored = (response: SurveyResponse): response is SurveyResponse & { scores: ResponseScores } =>
  response.scores !== undefined && response.scores.revision === response.revision;

/** What one response adds to its cell; nothing until it is scored for its current revision. */
export function countersOf(response: SurveyResponse | undefined): Counters | undefined {
  if (!response || !isScored(response)) return undefined;
  const s = response.scores;
  const c: Counters = { responses: 1 };
  if (s.caseOpened) c.alerts = 1;
  if (s.nps) {
    c.nps_n = 1;
    c[`nps_${s.nps.category === 'promoter' ? 'promoters' : s.nps.category === 'passive' ? 'passives' : 'detractors'}`] = 1;
  }
  if (s.csat) {
    c.csat_n = 1;
    if (s.csat.value >= 4) c.csat_top2 = 1;
    if (s.csat.value === 1) c.csat_bottom = 1;
  }
  if (s.ces) {
    c.ces_n = 1;
    c.ces_sum = s.ces.value;
    c.ces_sumsq = s.ces.value * s.ces.value;
    if (s.ces.value >= 5) c.ces_high = 1;
  }
  if (s.loyaltyIndex !== undefined) {
    c.loyalty_n = 1;
    c.loyalty_sum10 = Math.round(s.loyaltyIndex * 10);
  }
  if (s.loyaltySegment) c[`seg_${s.loyaltySegment}`] = 1;
  for (const [questionId, value] of Object.entries(s.ratings ?? {})) c[histogramCounter(questionId, value)] = 1;
  if (response.analysis?.revision === response.revision) Object.assign(c, commentCountersOf(response.analysis, s));
  if (response.invitationId) {
    c.inv_answered = 1;
    if (response.status === 'complete') c.inv_completed = 1;
  }
  return c;
}

export const UNASSIGNED_THEME = 'unassigned';
export const themeCounter = (theme: string, part?: 'neg' | 'pos' | 'nps_n' | 'prom' | 'det') => `th:${theme}${part ? `:${part}` : ''}`;
const SENTIMENT_COUNTER = { negative: 'cm_neg', neutral: 'cm_neu', positive: 'cm_pos' } as const;

/** What one analysed comment adds: its sentiment, and per theme its mention, clause sentiment and NPS category. */
function commentCountersOf(analysis: CommentAnalysis, scores: ResponseScores): Counters {
  const c: Counters = { cm_n: 1 };
  // A language the analyzer does not read: counted as a comment, not as a sentiment or "unassigned".
  if (!analysis.sentiment) return { ...c, cm_unread: 1 };
  c[SENTIMENT_COUNTER[analysis.sentiment]] = 1;
  for (const theme of analysis.themes.length > 0 ? analysis.themes : [UNASSIGNED_THEME]) {
    c[themeCounter(theme)] = 1;
    const tone = analysis.themeSentiments[theme] ?? analysis.sentiment;
    if (tone === 'negative') c[themeCounter(theme, 'neg')] = 1;
    if (tone === 'positive') c[themeCounter(theme, 'pos')] = 1;
    if (scores.nps) {
      c[themeCounter(theme, 'nps_n')] = 1;
      if (scores.nps.category === 'promoter') c[themeCounter(theme, 'prom')] = 1;
      if (scores.nps.category === 'detractor') c[themeCounter(theme, 'det')] = 1;
    }
  }
  return c;
}

/** What an invitation adds to the funnel of its cell. */
export function invitationCountersOf(invitation: Invitation | undefined): Counters | undefined {
  if (!invitation?.sentAt) return undefined;
  return { inv_sent: 1, ...(invitation.openedAt && { inv_opened: 1 }), ...(invitation.deliveredAt && { inv_delivered: 1 }), ...(invitation.bouncedAt && { inv_bounced: 1 }) };
}

const invitationCellOf = (invitation: Invitation) => ({ surveyId: invitation.surveyId, touchpoint: invitation.touchpoint || NO_TOUCHPOINT, channel: invitation.channel, day: invitation.createdAt.slice(0, 10) });

/** The funnel change of one invitation record: its new image's counts minus its old image's. */
export function invitationDeltaOf(oldImage: Invitation | undefined, newImage: Invitation | undefined): AggregateDelta[] {
  return signedDeltas([
    [oldImage && invitationCountersOf(oldImage), oldImage && invitationCellOf(oldImage), -1],
    [newImage && invitationCountersOf(newImage), newImage && invitationCellOf(newImage), 1],
  ]);
}

const cellOf = (response: SurveyResponse) => ({
  surveyId: response.surveyId,
  touchpoint: response.touchpoint || NO_TOUCHPOINT,
  channel: response.channel,
  day: response.submittedAt.slice(0, 10),
});

export const aggregateKeyId = (key: AggregateKey) => `${key.surveyId}|${key.granularity}|${key.period}|${key.touchpoint}|${key.channel}`;

export interface AggregateDelta {
  readonly key: AggregateKey;
  readonly counters: Counters;
}

/**
 * The change one stream record makes to the aggregates: the new image's counters minus the old image's,
 * in every period that holds the response. Empty when nothing counted changed (most MODIFY records).
 */
export function deltaOf(oldImage: SurveyResponse | undefined, newImage: SurveyResponse | undefined): AggregateDelta[] {
  return signedDeltas([
    [countersOf(oldImage), oldImage && cellOf(oldImage), -1],
    [countersOf(newImage), newImage && cellOf(newImage), 1],
  ]);
}

type Cell = ReturnType<typeof cellOf>;

/** Counters of a cell, taken back (-1) or added (+1) in every period that holds the day. */
function signedDeltas(parts: readonly (readonly [Counters | undefined, Cell | undefined, 1 | -1])[]): AggregateDelta[] {
  const deltas: AggregateDelta[] = [];
  for (const [counters, cell, sign] of parts) {
    if (!counters || !cell) continue;
    for (const granularity of STORED_GRANULARITIES) {
      const key: AggregateKey = { surveyId: cell.surveyId, granularity, period: periodOf(granularity, cell.day), touchpoint: cell.touchpoint, channel: cell.channel };
      deltas.push({ key, counters: Object.fromEntries(Object.entries(counters).map(([name, value]) => [name, sign * value])) });
    }
  }
  return mergeDeltas(deltas);
}

/** Sums deltas per aggregate key and drops counters (and keys) whose change is zero. */
export function mergeDeltas(deltas: readonly AggregateDelta[]): AggregateDelta[] {
  const sums = new Map<string, { key: AggregateKey; counters: Counters }>();
  for (const delta of deltas) {
    const id = aggregateKeyId(delta.key);
    const into = sums.get(id) ?? { key: delta.key, counters: {} };
    for (const [name, value] of Object.entries(delta.counters)) into.counters[name] = (into.counters[name] ?? 0) + value;
    sums.set(id, into);
  }
  return [...sums.values()]
    .map(({ key, counters }) => ({ key, counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) }))
    .filter((d) => Object.keys(d.counters).length > 0);
}

/** Adds counters (for reports: cells into groups). */
export function addCounters(into: Counters, more: Counters): Counters {
  for (const [name, value] of Object.entries(more)) into[name] = (into[name] ?? 0) + value;
  return into;
}

export const SEGMENT_COUNTERS = LOYALTY_SEGMENTS.map((s) => `seg_${s}`);
