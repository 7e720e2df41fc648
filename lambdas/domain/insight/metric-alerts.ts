import type { Counters } from './aggregates';
import { normalCdf, npsDifferenceTest, TOO_FEW, twoProportionTest } from './statistics';

/**
 * Alerts on the metrics themselves, run on a schedule from the aggregates (pure: the caller reads the cells and
 * keeps the episode state):
 * - {@link npsDrop}: the NPS of one period fell significantly below another's;
 * - {@link csatDrop}: the same for the CSAT top-2-box share;
 * - {@link silence}: a touchpoint or channel that normally answers got no answer for some hours;
 * - {@link nextEpisodeState}: one notification per episode (a condition starting), none while it holds, and a
 *   new one only after it has recovered.
 *
 * Every finding is either met (`dropped` / `silent`), clear, or `inconclusive` (too few answers, no variance,
 * not enough history): an inconclusive finding neither opens nor closes an episode.
 *
 * Which periods are compared is the caller's choice. Comparing a week with the week before alerts on the week
 * the NPS fell (the next week, compared with the fallen one, no longer shows a drop, so the episode closes);
 * comparing a week with the 4 weeks before it (their counts summed) keeps the episode open while the NPS stays
 * down, with a steadier baseline.
 */

/** Below this many answers in either period a drop is not tested (the same threshold as `tooFew` figures). */
export const MIN_N = TOO_FEW;
/**
 * 0.025, one-sided: a weekly check on a stable series must raise a false alarm on at most 5 % of checks, and at
 * 0.05 the measured rate sits right at 5 % (its variances are estimated from the same counts), so half of all
 * seeded runs of 2,000 checks exceed it. At 0.025 it measures about 2.5 %, and a drop from NPS 30 to 10 is
 * still caught in the first check most of the time at n = 200 a week (see the simulation test).
 */
export const DEFAULT_ALPHA = 0.025;

export interface NpsCounts {
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
}

export interface CsatCounts {
  /** Answers of 4 or 5. */
  readonly top2: number;
  readonly n: number;
}

export interface DropOptions {
  /** One-sided significance level: a drop is reported when P(a difference this low | no change) < alpha. */
  readonly alpha?: number;
  /** Fewest answers each period needs before it is tested; {@link MIN_N} by default. */
  readonly minN?: number;
}

export interface DropFinding {
  readonly dropped: boolean;
  /** Nothing could be decided: too few answers or no variance (see `reason`). */
  readonly inconclusive: boolean;
  /** (current − previous) / standard error; negative when the metric fell. Absent when not tested. */
  readonly z?: number;
  /** One-sided p-value, Φ(z): the chance of a fall at least this large if nothing changed. */
  readonly pValue?: number;
  readonly difference?: number;
  readonly reason?: string;
}

export interface NpsDropFinding extends DropFinding {
  readonly current: { readonly score: number; readonly n: number };
  readonly previous: { readonly score: number; readonly n: number };
  /** current.score − previous.score, in NPS points. */
  readonly difference?: number;
}

export interface CsatDropFinding extends DropFinding {
  /** Top-2-box share in percent. */
  readonly current: { readonly share: number; readonly n: number };
  readonly previous: { readonly share: number; readonly n: number };
  /** current.share − previous.share, in percentage points. */
  readonly difference?: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** NPS and CSAT counts of summed aggregate counters. */
export const npsCountsOf = (c: Counters): NpsCounts => ({ promoters: c.nps_promoters ?? 0, passives: c.nps_passives ?? 0, detractors: c.nps_detractors ?? 0 });
export const csatCountsOf = (c: Counters): CsatCounts => ({ top2: c.csat_top2 ?? 0, n: c.csat_n ?? 0 });

/**
 * Whether the NPS dropped significantly from `previous` to `current`: one-sided z-test on the difference of the
 * two estimates (promoter share − detractor share), each with the variance of a +1/0/−1 answer,
 * (p + d − (p − d)²) / n; z = (NPS₁ − NPS₀) / √(var₁/n₁ + var₀/n₀), dropped when Φ(z) < alpha.
 * Not tested (inconclusive) when either period has fewer than `minN` answers (30 by default: below that the
 * normal approximation is poor and a handful of answers swings the score by tens of points) or when either
 * period's variance is 0 (all answers in one category: the variance would be estimated as none at all).
 */
export function npsDrop(current: NpsCounts, previous: NpsCounts, options: DropOptions = {}): NpsDropFinding {
  const { alpha = DEFAULT_ALPHA, minN = MIN_N } = options;
  const moments = (c: NpsCounts) => {
    const n = c.promoters + c.passives + c.detractors;
    const [p, d] = n > 0 ? [c.promoters / n, c.detractors / n] : [0, 0];
    return { n, promoters: c.promoters, detractors: c.detractors, score: (p - d) * 100, variance: p + d - (p - d) ** 2 };
  };
  const [now, before] = [moments(current), moments(previous)];
  const periods = { current: { score: round1(now.score), n: now.n }, previous: { score: round1(before.score), n: before.n } };
  if (now.n < minN || before.n < minN) return { dropped: false, inconclusive: true, ...periods, reason: `fewer than ${minN} answers in a period` };
  const difference = round1(now.score - before.score);
  // A variance of exactly 0 only comes from every answer in one category; rounding may leave a tiny remainder.
  const test = now.variance > 1e-12 && before.variance > 1e-12 ? npsDifferenceTest(now, before) : undefined;
  if (!test) return { dropped: false, inconclusive: true, ...periods, difference, reason: 'no variance: every answer of a period in one category' };
  const pValue = normalCdf(test.z);
  return { dropped: pValue < alpha, inconclusive: false, z: test.z, pValue, ...periods, difference };
}

/**
 * Whether the CSAT top-2-box share dropped significantly from `previous` to `current`: one-sided pooled
 * two-proportion z-test, z = (p₁ − p₀) / √(p̄(1 − p̄)(1/n₁ + 1/n₀)), dropped when Φ(z) < alpha. Inconclusive
 * below `minN` answers in either period, or when the pooled share is 0 or 1 (no variance).
 */
export function csatDrop(current: CsatCounts, previous: CsatCounts, options: DropOptions = {}): CsatDropFinding {
  const { alpha = DEFAULT_ALPHA, minN = MIN_N } = options;
  const share = (c: CsatCounts) => (c.n > 0 ? (c.top2 / c.n) * 100 : 0);
  const periods = { current: { share: round1(share(current)), n: current.n }, previous: { share: round1(share(previous)), n: previous.n } };
  if (current.n < minN || previous.n < minN) return { dropped: false, inconclusive: true, ...periods, reason: `fewer than ${minN} answers in a period` };
  const difference = round1(share(current) - share(previous));
  const test = twoProportionTest(current.top2, current.n, previous.top2, previous.n);
  if (!test) return { dropped: false, inconclusive: true, ...periods, difference, reason: 'no variance: every answer of both periods top-2 or none' };
  const pValue = normalCdf(test.z);
  return { dropped: pValue < alpha, inconclusive: false, z: test.z, pValue, ...periods, difference };
}

export interface SilenceOptions {
  /** Length of the silent window: the last `hours` complete hours. */
  readonly hours: number;
  /** Fewest answers expected over the window; 5 by default (Poisson P(0) = e⁻⁵ = 0.67 %). */
  readonly minExpected?: number;
}

export interface SilenceFinding {
  readonly silent: boolean;
  /** Not enough history, or a window that is normally quiet and was quiet again (see `reason`). */
  readonly inconclusive: boolean;
  readonly hours: number;
  /** Answers in the last `hours` hours. */
  readonly observed: number;
  /** Mean answers in the same hours of the 28 previous days. */
  readonly expected?: number;
  /** Poisson probability of no answer at all in the window given `expected`: e^−expected. */
  readonly pZero?: number;
  /** Of the 28 previous days, those with at least one answer in the same hours. */
  readonly daysAnswered?: number;
  /** Of the same weekday in the 4 previous weeks, those with at least one answer in the same hours. */
  readonly sameWeekdayAnswered?: number;
  readonly reason?: string;
}

export const SILENCE_DAYS = 28;
const HOURS_PER_DAY = 24;

/**
 * Whether a touchpoint or channel that normally answers went silent. `hourlyCounts` are its answers per hour,
 * oldest first, ending with the last complete hour, at least 28 days + `hours` long (the daily aggregate cells
 * do not have hours: the caller counts them, e.g. from the responses' submission times).
 *
 * The rule: the last `hours` hours had 0 answers, and the same hours of the 28 previous days show that these
 * hours normally answer:
 * - the expected count (the mean over those 28 windows) is at least `minExpected` (5 by default), so that a
 *   Poisson count with that mean is 0 with probability e⁻⁵ = 0.67 % or less;
 * - at least one answer came in those hours on more than half of the 28 days (one busy day alone is not normal);
 * - and on at least 3 of the same weekday's 4 windows (a touchpoint closed on Sundays does not alert every
 *   Sunday; one holiday is tolerated).
 * Any answer in the window clears the finding. A silent window whose history is not "normal" is inconclusive,
 * not clear: a long silence erodes its own history, and the episode it opened must stay open until answers
 * come back. Windows longer than a day overlap from one day to the next; that is allowed.
 */
export function silence(hourlyCounts: readonly number[], options: SilenceOptions): SilenceFinding {
  const { hours, minExpected = 5 } = options;
  if (!Number.isInteger(hours) || hours < 1 || hours > 7 * HOURS_PER_DAY) throw new RangeError(`silence: hours must be a whole number from 1 to 168, not ${hours}`);
  const end = hourlyCounts.length;
  const sum = (from: number, to: number) => hourlyCounts.slice(from, to).reduce((a, b) => a + b, 0);
  const observed = sum(Math.max(0, end - hours), end);
  if (observed > 0) return { silent: false, inconclusive: false, hours, observed, reason: 'answered' };
  if (end < SILENCE_DAYS * HOURS_PER_DAY + hours) return { silent: false, inconclusive: true, hours, observed, reason: `less than ${SILENCE_DAYS} days of history` };
  const windows = Array.from({ length: SILENCE_DAYS }, (_, i) => {
    const back = (i + 1) * HOURS_PER_DAY;
    return sum(end - hours - back, end - back);
  });
  const expected = windows.reduce((a, b) => a + b, 0) / SILENCE_DAYS;
  const daysAnswered = windows.filter((w) => w > 0).length;
  const sameWeekdayAnswered = [6, 13, 20, 27].filter((i) => windows[i] > 0).length;
  const figures = { hours, observed, expected: Math.round(expected * 100) / 100, pZero: Math.exp(-expected), daysAnswered, sameWeekdayAnswered };
  const normal = expected >= minExpected && daysAnswered > SILENCE_DAYS / 2 && sameWeekdayAnswered >= 3;
  if (!normal) return { silent: false, inconclusive: true, ...figures, reason: 'these hours do not normally answer' };
  return { silent: true, inconclusive: false, ...figures };
}

/** A finding as the episode sees it: met, clear, or inconclusive. */
export type Finding = { readonly dropped: boolean; readonly inconclusive?: boolean } | { readonly silent: boolean; readonly inconclusive?: boolean };

/** One alert's episode state: small and JSON-serialisable, kept by the caller between runs. */
export interface EpisodeState {
  readonly open: boolean;
  /** ISO time the current (open) or last (closed) episode started. */
  readonly openedAt?: string;
  /** ISO time the last episode recovered. */
  readonly closedAt?: string;
  /** ISO time of the last check that decided something (not inconclusive). */
  readonly checkedAt?: string;
  /** Episodes opened so far. */
  readonly episodes: number;
}

export type EpisodeEvent = 'opened' | 'holding' | 'recovered' | 'quiet' | 'unchanged';

/**
 * The next state of an alert's episode after one check. A met condition opens an episode and notifies once;
 * while it stays met nothing more is sent; the first clear check closes it (`recovered`), so a later drop opens
 * a new episode and notifies again. An inconclusive finding leaves the state as it was (`unchanged`).
 */
export function nextEpisodeState(state: EpisodeState | undefined, finding: Finding, now: Date): { state: EpisodeState; notify: boolean; event: EpisodeEvent } {
  const before: EpisodeState = state ?? { open: false, episodes: 0 };
  if (finding.inconclusive) return { state: before, notify: false, event: 'unchanged' };
  const met = 'silent' in finding ? finding.silent : finding.dropped;
  const at = now.toISOString();
  if (met && !before.open) return { state: { ...before, open: true, openedAt: at, checkedAt: at, episodes: before.episodes + 1 }, notify: true, event: 'opened' };
  if (met) return { state: { ...before, checkedAt: at }, notify: false, event: 'holding' };
  if (before.open) return { state: { ...before, open: false, closedAt: at, checkedAt: at }, notify: false, event: 'recovered' };
  return { state: { ...before, checkedAt: at }, notify: false, event: 'quiet' };
}
