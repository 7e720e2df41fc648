import * as z from 'zod/mini';
import '../kernel/zod';
import { addCounters, periodOf, type Counters, type Granularity } from './aggregates';
import type { AlertCase } from '../loop/alerts';
import { CHANNELS } from '../surveys/response';
import { figuresOf, npsFigure, wilson, meanFigure, type Figures, type Proportion } from './statistics';
import type { Survey } from '../surveys/survey';

/** The longest range a report reads, in days (about 13 months, for a year over year look). */
export const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

const surveyId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a survey id'));
const touchpoint = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'a touchpoint'));

const RangeSchema = z.object({
  surveyId,
  /** First day, inclusive (UTC). @default 89 days before `to` */
  from: z.optional(z.iso.date()),
  /** Last day, inclusive (UTC). @default today */
  to: z.optional(z.iso.date()),
  touchpoint: z.optional(touchpoint),
  channel: z.optional(z.enum(CHANNELS)),
});

export const SummaryQuerySchema = z.extend(RangeSchema, { groupBy: z.optional(z.enum(['touchpoint', 'channel', 'day', 'week', 'month'])) });
export const TrendQuerySchema = z.extend(RangeSchema, {
  granularity: z.optional(z.enum(['day', 'week', 'month'])),
  metric: z.optional(z.enum(['nps', 'csat', 'ces', 'loyalty', 'responses'])),
  by: z.optional(z.enum(['none', 'touchpoint', 'channel'])),
});
export const AggregateExportQuerySchema = z.extend(RangeSchema, { granularity: z.optional(z.enum(['day', 'week', 'month'])), format: z.optional(z.enum(['csv', 'jsonl'])) });
export const CaseReportQuerySchema = z.object({ surveyId: z.optional(surveyId), from: z.optional(z.iso.date()), to: z.optional(z.iso.date()) });

export const GRANULARITY_CODE: Record<'day' | 'week' | 'month', Granularity> = { day: 'D', week: 'W', month: 'M' };

export interface Range {
  readonly from: string;
  readonly to: string;
}

/** The range of a report, defaulted and checked; `undefined` fields are reported by name. */
export function reportRange(query: { from?: string; to?: string }, now: Date): Range | { field: 'from' | 'to'; message: string } {
  // A real calendar day (2026-02-30 is not), whoever calls: the reports API validates, the dashboard reads raw input.
  // Years 1970–9998 only: week and month arithmetic past either end would leave the calendar the cells use.
  const isDay = (day: string) =>
    /^(19[7-9]\d|[2-8]\d{3}|9[0-8]\d{2}|99[0-8]\d|999[0-8])-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
  if (query.to !== undefined && !isDay(query.to)) return { field: 'to', message: 'must be a day, yyyy-mm-dd, between 1970 and 9998' };
  if (query.from !== undefined && !isDay(query.from)) return { field: 'from', message: 'must be a day, yyyy-mm-dd, between 1970 and 9998' };
  const to = query.to ?? now.toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 89 * DAY_MS).toISOString().slice(0, 10);
  if (from > to) return { field: 'from', message: 'must not be after to' };
  if ((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1 > MAX_REPORT_DAYS) return { field: 'from', message: `the range may span at most ${MAX_REPORT_DAYS} days` };
  return { from, to };
}

/** Every period of a granularity that overlaps the range, in order. */
export function periodsBetween(granularity: Granularity, range: Range): string[] {
  const periods: string[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += DAY_MS) {
    const period = periodOf(granularity, new Date(t).toISOString().slice(0, 10));
    if (periods[periods.length - 1] !== period) periods.push(period);
  }
  return periods;
}

/**
 * The fewest cells that cover a range exactly: month cells for the whole months inside it, day cells for the
 * days before the first and after the last of those. A year reads about 12 month cells and up to 61 day
 * cells per touchpoint and channel, not 365 day cells.
 */
export function coveringPeriods(range: Range): { readonly months?: Range; readonly days: readonly Range[] } {
  // Months by their first day; Date.UTC takes 0-based months, so month m (1-based) + 0 is the next one.
  const monthAfter = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 1)).toISOString().slice(0, 7);
  const monthBefore = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
  const firstWhole = range.from.endsWith('-01') ? range.from.slice(0, 7) : monthAfter(range.from);
  const lastWhole = lastDayOf('M', range.to.slice(0, 7)) === range.to ? range.to.slice(0, 7) : monthBefore(range.to);
  if (firstWhole > lastWhole) return { days: [range] };
  const dayBefore = (month: string) => new Date(Date.parse(`${month}-01T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  const dayAfter = (month: string) => new Date(Date.parse(`${lastDayOf('M', month)}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  const days: Range[] = [];
  if (range.from < `${firstWhole}-01`) days.push({ from: range.from, to: dayBefore(firstWhole) });
  if (range.to > lastDayOf('M', lastWhole)) days.push({ from: dayAfter(lastWhole), to: range.to });
  return { months: { from: firstWhole, to: lastWhole }, days };
}

/** Day cells summed into the cells of a longer period (ISO weeks are not stored: they are summed when read). */
export function rollUp(dayCells: readonly Cell[], granularity: Granularity): Cell[] {
  const cells = new Map<string, { period: string; touchpoint: string; channel: string; counters: Counters }>();
  for (const cell of dayCells) {
    const period = periodOf(granularity, cell.period);
    const id = `${period}|${cell.touchpoint}|${cell.channel}`;
    const into = cells.get(id) ?? { period, touchpoint: cell.touchpoint, channel: cell.channel, counters: {} };
    addCounters(into.counters, cell.counters);
    cells.set(id, into);
  }
  return [...cells.values()];
}

/** The days of every period of a granularity that the range touches, first to last. */
export function wholePeriods(granularity: Granularity, range: Range): Range {
  const periods = periodsBetween(granularity, range);
  const first = periods[0];
  const from = granularity === 'D' ? first : granularity === 'M' ? `${first}-01` : new Date(Date.parse(`${lastDayOf('W', first)}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
  return { from, to: lastDayOf(granularity, periods[periods.length - 1]) };
}

/** Whether a cell's whole period (a day, an ISO week or a month) lies within the range. */
export function periodWithin(period: string, range: Range): boolean {
  const granularity: Granularity = period.length === 10 ? 'D' : period.includes('W') ? 'W' : 'M';
  const first = granularity === 'D' ? period : granularity === 'M' ? `${period}-01` : new Date(Date.parse(`${lastDayOf('W', period)}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
  return first >= range.from && lastDayOf(granularity, period) <= range.to;
}

/** A stored cell as the reports read it. */
export interface Cell {
  readonly period: string;
  readonly touchpoint: string;
  readonly channel: string;
  readonly counters: Counters;
}

/** Which cells a caller may count: a manager scoped to touchpoints sees only those. */
export type CellFilter = (cell: Cell) => boolean;

const groupKey = (cell: Cell, groupBy: 'touchpoint' | 'channel' | 'day' | 'week' | 'month' | undefined): string => {
  if (groupBy === 'touchpoint') return cell.touchpoint;
  if (groupBy === 'channel') return cell.channel;
  if (groupBy === 'week') return periodOf('W', cell.period);
  if (groupBy === 'month') return periodOf('M', cell.period);
  return cell.period;
};

export interface Summary {
  readonly surveyId: string;
  readonly from: string;
  readonly to: string;
  readonly groupBy?: string;
  /** Every figure of the whole selection: `total.nps` is the NPS of the selection. */
  readonly total: Figures;
  readonly groups: readonly { readonly key: string; readonly figures: Figures }[];
}

/**
 * The summary of the cells within the range (day cells, or the month and day cells that cover it), optionally
 * grouped; grouping by day or week takes day cells.
 */
export function summarize(survey: Survey, range: Range, cells: readonly Cell[], groupBy?: SummaryGroup): Summary {
  const total: Counters = {};
  const groups = new Map<string, Counters>();
  for (const cell of cells) {
    if (!periodWithin(cell.period, range)) continue;
    addCounters(total, cell.counters);
    if (groupBy) {
      const key = groupKey(cell, groupBy);
      groups.set(key, addCounters(groups.get(key) ?? {}, cell.counters));
    }
  }
  return {
    surveyId: survey.id,
    from: range.from,
    to: range.to,
    ...(groupBy && { groupBy }),
    total: figuresOf(total, survey),
    groups: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, counters]) => ({ key, figures: figuresOf(counters, survey) })),
  };
}
export type SummaryGroup = NonNullable<z.infer<typeof SummaryQuerySchema>['groupBy']>;

export type TrendMetric = NonNullable<z.infer<typeof TrendQuerySchema>['metric']>;

export interface TrendPoint {
  readonly period: string;
  /** The metric (NPS points, CSAT top-2-box %, CES mean, loyalty index, or the response count); null without data. */
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly n: number;
  readonly tooFew: boolean;
  /** Change from the previous period; null when either has no value. */
  readonly change: number | null;
  /** The period is not over yet (it holds today): its counts are still growing, not dropping. */
  readonly partial: boolean;
}

/** The last day of a period (`2026-11-24`, `2026-W48`, `2026-11`). */
/** The first day of a period: the day, the 1st of the month, or the Monday of the ISO week. */
export function firstDayOf(granularity: Granularity, period: string): string {
  if (granularity === 'D') return period;
  if (granularity === 'M') return `${period}-01`;
  return new Date(Date.parse(`${lastDayOf('W', period)}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
}

export function lastDayOf(granularity: Granularity, period: string): string {
  if (granularity === 'D') return period;
  if (granularity === 'M') return new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).toISOString().slice(0, 10);
  // ISO week: its Thursday lies in week 1 + (n − 1); the Sunday is 3 days later.
  const [year, week] = [Number(period.slice(0, 4)), Number(period.slice(6))];
  const january4 = Date.UTC(year, 0, 4);
  const mondayOfWeek1 = january4 - ((new Date(january4).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(mondayOfWeek1 + ((week - 1) * 7 + 6) * DAY_MS).toISOString().slice(0, 10);
}

export function metricOf(metric: TrendMetric, c: Counters): { value: number | null; low: number | null; high: number | null; n: number } {
  const get = (name: string) => c[name] ?? 0;
  if (metric === 'responses') return { value: get('responses'), low: null, high: null, n: get('responses') };
  if (metric === 'nps') {
    const f = npsFigure(get('nps_promoters'), get('nps_passives'), get('nps_detractors'));
    return f ? { value: f.score, low: f.low, high: f.high, n: f.n } : { value: null, low: null, high: null, n: 0 };
  }
  if (metric === 'csat') {
    const n = get('csat_n');
    const p = wilson(get('csat_top2'), n);
    return n ? { value: p.percent, low: p.low, high: p.high, n } : { value: null, low: null, high: null, n: 0 };
  }
  if (metric === 'ces') {
    const m = meanFigure(get('ces_sum'), get('ces_sumsq'), get('ces_n'));
    return m ? { value: m.mean, low: m.low, high: m.high, n: m.n } : { value: null, low: null, high: null, n: 0 };
  }
  const n = get('loyalty_n');
  return n ? { value: Math.round(get('loyalty_sum10') / n) / 10, low: null, high: null, n } : { value: null, low: null, high: null, n: 0 };
}

export interface Trend {
  readonly surveyId: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: 'day' | 'week' | 'month';
  readonly metric: TrendMetric;
  readonly periods: readonly string[];
  readonly series: readonly { readonly name: string; readonly points: readonly TrendPoint[] }[];
}

/**
 * A metric per period (whole weeks or months overlapping the range, read from their rolled-up cells), as one
 * series or one per touchpoint or channel, each point with its interval and its change from the one before.
 */
export function trendOf(survey: Survey, range: Range, granularity: 'day' | 'week' | 'month', metric: TrendMetric, by: 'none' | 'touchpoint' | 'channel', cells: readonly Cell[], now: Date): Trend {
  const periods = periodsBetween(GRANULARITY_CODE[granularity], range);
  const today = now.toISOString().slice(0, 10);
  const partial = (period: string) => lastDayOf(GRANULARITY_CODE[granularity], period) >= today;
  const bySeries = new Map<string, Map<string, Counters>>();
  for (const cell of cells) {
    const name = by === 'touchpoint' ? cell.touchpoint : by === 'channel' ? cell.channel : 'all';
    const perPeriod = bySeries.get(name) ?? new Map<string, Counters>();
    perPeriod.set(cell.period, addCounters(perPeriod.get(cell.period) ?? {}, cell.counters));
    bySeries.set(name, perPeriod);
  }
  if (bySeries.size === 0) bySeries.set('all', new Map());
  const series = [...bySeries.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, perPeriod]) => {
      let previous: number | null = null;
      const points = periods.map((period): TrendPoint => {
        const m = metricOf(metric, perPeriod.get(period) ?? {});
        const change = m.value !== null && previous !== null ? Math.round((m.value - previous) * 10) / 10 : null;
        previous = m.value;
        return { period, ...m, tooFew: m.n < 30, change, partial: partial(period) };
      });
      return { name, points };
    });
  return { surveyId: survey.id, from: range.from, to: range.to, granularity, metric, periods, series };
}

const median = (sorted: readonly number[]) => (sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null);
const percentile90 = (sorted: readonly number[]) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] : null);
const hours = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 3_600_000) * 10) / 10;

export interface CaseMetrics {
  readonly from: string;
  readonly to: string;
  readonly opened: number;
  readonly acknowledged: number;
  readonly resolved: number;
  readonly escalated: number;
  /** Hours from opening to acknowledgement / resolution, over the cases that got there. */
  readonly hoursToAcknowledge: { readonly median: number | null; readonly p90: number | null; readonly n: number };
  readonly hoursToResolve: { readonly median: number | null; readonly p90: number | null; readonly n: number };
  /** Cases not resolved now, by how long they have been open. */
  readonly openByAge: Record<'under1d' | '1to3d' | '3to7d' | 'over7d', number>;
}

/** Time to acknowledge and resolve, and the open backlog by age, of the cases opened in the range. */
export function caseMetrics(cases: readonly AlertCase[], range: Range, now: Date): CaseMetrics {
  const inRange = cases.filter((c) => c.createdAt.slice(0, 10) >= range.from && c.createdAt.slice(0, 10) <= range.to);
  const toAck = inRange.filter((c) => c.acknowledgedAt).map((c) => hours(c.createdAt, c.acknowledgedAt!)).sort((a, b) => a - b);
  const toResolve = inRange.filter((c) => c.resolvedAt).map((c) => hours(c.createdAt, c.resolvedAt!)).sort((a, b) => a - b);
  const openByAge = { under1d: 0, '1to3d': 0, '3to7d': 0, over7d: 0 };
  for (const c of inRange) {
    if (c.status === 'resolved') continue;
    const age = (now.getTime() - Date.parse(c.createdAt)) / DAY_MS;
    openByAge[age < 1 ? 'under1d' : age < 3 ? '1to3d' : age < 7 ? '3to7d' : 'over7d']++;
  }
  return {
    from: range.from,
    to: range.to,
    opened: inRange.length,
    acknowledged: inRange.filter((c) => c.acknowledgedAt).length,
    resolved: inRange.filter((c) => c.status === 'resolved').length,
    escalated: inRange.filter((c) => (c.escalationLevel ?? 0) > 0).length,
    hoursToAcknowledge: { median: median(toAck), p90: percentile90(toAck), n: toAck.length },
    hoursToResolve: { median: median(toResolve), p90: percentile90(toResolve), n: toResolve.length },
    openByAge,
  };
}

export const FunnelQuerySchema = RangeSchema;

export interface FunnelStage {
  readonly channel: string;
  /** Invitations sent in the range. */
  readonly invited: number;
  /** As the e-mail provider reported them (SES events in AWS; none locally). */
  readonly delivered: number;
  readonly bounced: number;
  /** Of those, invitations whose one-click page was served (by the person or a mail scanner). */
  readonly opened: number;
  /** Responses to an invitation in the range (a saved score counts), and those complete. */
  readonly answered: number;
  readonly completed: number;
  /** Pages served that ended without an answer (opened − answered, not below zero). */
  readonly openedWithoutAnswer: number;
  readonly responseRate: Proportion;
}

/** The invitation funnel per channel of the range's day cells. */
export function funnelOf(cells: readonly Cell[], range: Range): FunnelStage[] {
  const byChannel = new Map<string, Counters>();
  for (const cell of cells) {
    if (!periodWithin(cell.period, range)) continue;
    byChannel.set(cell.channel, addCounters(byChannel.get(cell.channel) ?? {}, cell.counters));
  }
  return [...byChannel.entries()]
    .filter(([, c]) => (c.inv_sent ?? 0) > 0 || (c.inv_answered ?? 0) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, c]) => {
      const [invited, opened, answered, completed] = [c.inv_sent ?? 0, c.inv_opened ?? 0, c.inv_answered ?? 0, c.inv_completed ?? 0];
      return { channel, invited, delivered: c.inv_delivered ?? 0, bounced: c.inv_bounced ?? 0, opened, answered, completed, openedWithoutAnswer: Math.max(0, opened - answered), responseRate: wilson(Math.min(answered, invited), invited) };
    });
}
