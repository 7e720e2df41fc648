import * as z from 'zod/mini';
import '../kernel/zod';
import { addCounters, UNASSIGNED_THEME, themeCounter, type Counters } from './aggregates';
import { periodWithin, SummaryQuerySchema, type Cell, type Range } from './reports';
import { npsDifferenceTest, npsFigure, twoProportionTest, wilson, type NpsFigure, type Proportion } from './statistics';
import { wordsOf } from '../comments/reading/words';
import { matchThemes } from '../comments/themes/matching';
import { DEFAULT_TAXONOMY, type Taxonomy } from '../comments/themes/taxonomy';
import type { ResponseStore } from '../surveys/ports';
import type { SurveyResponse } from '../surveys/response';
import { seesResponse, type Caller } from '../people/roles';

/**
 * The themes report (`GET /admin/reports/themes`): what the analysed comments talk about, from the theme
 * counters of the aggregate cells (see aggregates.ts), and key phrases the taxonomy lacks, from the stored
 * responses. Methods:
 * - share of a theme = its mentions / analysed comments (`cm_n`), with a Wilson 95 % interval; a comment can
 *   mention several themes, so the shares add up to more than 100 %;
 * - theme NPS = the NPS of the responses that mention it (`th:<t>:nps_n/prom/det`), with the adjusted-Wald
 *   95 % interval of statistics.ts;
 * - impact (driver view): the overall NPS of the range minus the NPS it would have without the responses that
 *   mention the theme, in points. Negative: the theme pulls the score down (removing it would raise it).
 *   The overall NPS counts every scored response, with or without a comment;
 * - change versus the previous period of the same length (the days just before `from`): the share's change in
 *   percentage points with a two-proportion z-test (pooled), the NPS change in points with a z-test on the
 *   difference of two independent NPS (variance of the per-response +1/0/−1 variable, p + d − (p − d)², over
 *   n); `significant` at α = 0.05 two-sided (|z| ≥ 1.96), never with an empty period or a zero variance;
 * - suggestions: phrases over-represented among detractors versus promoters, by the log-odds ratio with
 *   ½ added to every cell (Haldane–Anscombe) over responses (a phrase counts once per response).
 */
export const ThemesQuerySchema = z.omit(SummaryQuerySchema, { groupBy: true });
export type ThemesQuery = z.infer<typeof ThemesQuerySchema>;

const DAY_MS = 86_400_000;
const Z95 = 1.959964;
const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The period of the same length just before the range (`2026-11-01…30` → `2026-10-02…31`). */
export function previousRange(range: Range): Range {
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const days = (Date.parse(`${range.to}T00:00:00Z`) - from) / DAY_MS + 1;
  return { from: dayOf(from - days * DAY_MS), to: dayOf(from - DAY_MS) };
}

/** The label of a theme id in the survey's taxonomy (the id itself for a theme no longer in it). */
export function themeLabel(theme: string, taxonomy: Taxonomy = DEFAULT_TAXONOMY): string {
  if (theme === UNASSIGNED_THEME) return 'No theme';
  return taxonomy.themes.find((t) => t.id === theme)?.label ?? theme;
}

export interface ThemeFigures {
  readonly mentions: number;
  readonly share: Proportion;
  readonly negative: number;
  readonly positive: number;
  readonly nps?: NpsFigure;
}

export interface ThemeRow extends ThemeFigures {
  readonly theme: string;
  readonly label: string;
  /** Overall NPS minus the NPS without this theme's responses (points); null without an NPS to compare. */
  readonly impact: number | null;
  readonly previous: ThemeFigures;
  readonly change: {
    /** Share now minus share before, in percentage points. */
    readonly share: number;
    readonly shareZ: number | null;
    readonly shareSignificant: boolean;
    /** NPS now minus NPS before, in points; null when either has no NPS answer. */
    readonly nps: number | null;
    readonly npsZ: number | null;
    readonly npsSignificant: boolean;
  };
}

export interface PhraseSuggestion {
  readonly phrase: string;
  /** Responses mentioning it: detractors, promoters. */
  readonly detractors: number;
  readonly promoters: number;
  /** Smoothed log-odds ratio, detractors versus promoters (higher: more a detractors' phrase), and its z. */
  readonly logOdds: number;
  readonly z: number;
}

export interface Suggestions {
  /** The responses read held more than were read (see THEMES_READ): counts are from the first ones. */
  readonly sampled: boolean;
  readonly read: number;
  readonly detractors: number;
  readonly promoters: number;
  readonly phrases: readonly PhraseSuggestion[];
}

export interface ThemesReport {
  readonly surveyId: string;
  readonly from: string;
  readonly to: string;
  readonly previous: Range & { readonly analysed: number };
  /** Comments analysed, and their sentiment; `unread` ones are in a language the analyzer does not read. */
  readonly analysed: number;
  readonly sentiment: { readonly negative: number; readonly neutral: number; readonly positive: number; readonly unread: number };
  /** The NPS of every scored response of the range (what `impact` compares with). */
  readonly nps?: NpsFigure;
  /** By mentions, most first; `unassigned` (comments matching no theme) last. */
  readonly themes: readonly ThemeRow[];
  /** Absent for callers who may not read comment text (analysts). */
  readonly suggestions?: Suggestions;
}

/** The counters of the cells whose whole period lies in the range, summed. */
export function totalOf(cells: readonly Cell[], range: Range): Counters {
  const total: Counters = {};
  for (const cell of cells) if (periodWithin(cell.period, range)) addCounters(total, cell.counters);
  return total;
}

/** The theme ids with a mention counter in the counters. */
export function themesIn(counters: Counters): string[] {
  return Object.keys(counters).flatMap((name) => {
    const m = /^th:([^:]+)$/.exec(name);
    return m && counters[name] > 0 ? [m[1]] : [];
  });
}

export function themeFigures(c: Counters, theme: string): ThemeFigures {
  const get = (name: string) => c[name] ?? 0;
  const mentions = get(themeCounter(theme));
  const [n, prom, det] = [get(themeCounter(theme, 'nps_n')), get(themeCounter(theme, 'prom')), get(themeCounter(theme, 'det'))];
  const nps = npsFigure(prom, n - prom - det, det);
  return { mentions, share: wilson(mentions, get('cm_n')), negative: get(themeCounter(theme, 'neg')), positive: get(themeCounter(theme, 'pos')), ...(nps && { nps }) };
}

/** Overall NPS minus the NPS without the theme's responses, in points (unrounded NPS on both sides). */
export function impactOf(c: Counters, theme: string): number | null {
  const get = (name: string) => c[name] ?? 0;
  const [n, p, d] = [get('nps_promoters') + get('nps_passives') + get('nps_detractors'), get('nps_promoters'), get('nps_detractors')];
  const [tn, tp, td] = [get(themeCounter(theme, 'nps_n')), get(themeCounter(theme, 'prom')), get(themeCounter(theme, 'det'))];
  if (n === 0 || tn === 0 || n - tn <= 0) return null;
  return round1(((p - d) / n - (p - tp - (d - td)) / (n - tn)) * 100);
}

/** The themes report of the counters of a range and of the period before it (suggestions added by the caller). */
export function themesReport(surveyId: string, range: Range, now: Counters, before: Counters, taxonomy: Taxonomy = DEFAULT_TAXONOMY): ThemesReport {
  const get = (name: string) => now[name] ?? 0;
  const ids = [...new Set([...themesIn(now), ...themesIn(before)])];
  const rows = ids.map((theme): ThemeRow => {
    const current = themeFigures(now, theme);
    const previous = themeFigures(before, theme);
    const shareTest = twoProportionTest(current.mentions, now.cm_n ?? 0, previous.mentions, before.cm_n ?? 0);
    const npsTest = current.nps && previous.nps ? npsDifferenceTest(current.nps, previous.nps) : undefined;
    return {
      theme,
      label: themeLabel(theme, taxonomy),
      ...current,
      impact: impactOf(now, theme),
      previous,
      change: {
        share: round1(current.share.percent - previous.share.percent),
        shareZ: shareTest ? round2(shareTest.z) : null,
        shareSignificant: shareTest !== undefined && Math.abs(shareTest.z) >= Z95,
        nps: current.nps && previous.nps ? round1(current.nps.score - previous.nps.score) : null,
        npsZ: npsTest ? round2(npsTest.z) : null,
        npsSignificant: npsTest !== undefined && Math.abs(npsTest.z) >= Z95,
      },
    };
  });
  rows.sort((a, b) => Number(a.theme === UNASSIGNED_THEME) - Number(b.theme === UNASSIGNED_THEME) || b.mentions - a.mentions || a.theme.localeCompare(b.theme));
  const nps = npsFigure(get('nps_promoters'), get('nps_passives'), get('nps_detractors'));
  const [negative, neutral, positive] = [get('cm_neg'), get('cm_neu'), get('cm_pos')];
  const previous = previousRange(range);
  return {
    surveyId,
    from: range.from,
    to: range.to,
    previous: { ...previous, analysed: before.cm_n ?? 0 },
    analysed: get('cm_n'),
    sentiment: { negative, neutral, positive, unread: Math.max(0, get('cm_n') - negative - neutral - positive) },
    ...(nps && { nps }),
    themes: rows,
  };
}

/** A theme's share of the analysed comments per period (percent, null without any), for a trend chart. */
export function themeShares(cells: readonly Cell[], periods: readonly string[], themes: readonly string[]): { name: string; values: (number | null)[] }[] {
  const byPeriod = new Map<string, Counters>();
  for (const cell of cells) byPeriod.set(cell.period, addCounters(byPeriod.get(cell.period) ?? {}, cell.counters));
  return themes.map((theme) => ({
    name: theme,
    values: periods.map((p) => {
      const c = byPeriod.get(p) ?? {};
      return c.cm_n ? wilson(c[themeCounter(theme)] ?? 0, c.cm_n).percent : null;
    }),
  }));
}

/** How many responses the suggestions read at most (newest days last: the first ones of the range). */
export const THEMES_READ = 3000;
const MIN_DETRACTOR_MENTIONS = 3;
const SUGGESTIONS = 10;

/** Whether the phrase is (or holds, word for word) a phrase that already gave a theme. */
const matchesTheme = (phrase: string, matched: ReadonlySet<string>) => {
  if (matched.has(phrase)) return true;
  const padded = ` ${phrase} `;
  for (const m of matched) if (padded.includes(` ${m} `)) return true;
  return false;
};

/**
 * Key phrases most over-represented among detractors versus promoters, from analysed responses (their current
 * revision): at least 3 detractor responses, a positive log-odds, the top 10; phrases that are or hold one of
 * the theme phrases matched in the same responses (`analysis.matches`), and phrases the survey's taxonomy
 * already matches, are left out.
 */
export function phraseSuggestions(responses: readonly SurveyResponse[], sampled: boolean, taxonomy: Taxonomy = DEFAULT_TAXONOMY): Suggestions {
  const counts = new Map<string, { d: number; p: number }>();
  const matched = new Set<string>();
  let [detractors, promoters] = [0, 0];
  for (const r of responses) {
    const a = r.analysis;
    if (!a || a.revision !== r.revision) continue;
    for (const list of Object.values(a.matches)) for (const m of list) matched.add(m.trim().toLowerCase());
    const category = r.scores?.revision === r.revision ? r.scores.nps?.category : undefined;
    if (category !== 'detractor' && category !== 'promoter') continue;
    if (category === 'detractor') detractors++;
    else promoters++;
    for (const phrase of new Set(a.phrases.map((p) => p.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))) {
      const c = counts.get(phrase) ?? { d: 0, p: 0 };
      if (category === 'detractor') c.d++;
      else c.p++;
      counts.set(phrase, c);
    }
  }
  const phrases = [...counts.entries()]
    .filter(([phrase, c]) => c.d >= MIN_DETRACTOR_MENTIONS && !matchesTheme(phrase, matched) && matchThemes(taxonomy, wordsOf(phrase)).length === 0)
    .map(([phrase, c]) => {
      const [a, b, cc, dd] = [c.d + 0.5, detractors - c.d + 0.5, c.p + 0.5, promoters - c.p + 0.5];
      const logOdds = Math.log(a / b) - Math.log(cc / dd);
      return { phrase, detractors: c.d, promoters: c.p, logOdds, z: logOdds / Math.sqrt(1 / a + 1 / b + 1 / cc + 1 / dd) };
    })
    .filter((s) => s.logOdds > 0)
    .sort((x, y) => y.logOdds - x.logOdds || y.detractors - x.detractors || x.phrase.localeCompare(y.phrase))
    .slice(0, SUGGESTIONS)
    .map((s) => ({ ...s, logOdds: round2(s.logOdds), z: round2(s.z) }));
  return { sampled, read: responses.length, detractors, promoters, phrases };
}

/** Narrowing of the responses read: the touchpoint and channel of the query, and a theme for the drill-down. */
export interface ResponseNarrowing {
  readonly touchpoint?: string;
  readonly channel?: string;
}

/**
 * The analysed responses of the range that the caller may read (none for an analyst), at most
 * {@link THEMES_READ}, read by the survey's submitted-day index as the drill-down reads them.
 */
export async function readAnalysed(
  responses: Pick<ResponseStore, 'listResponsesSubmitted'>,
  caller: Caller,
  surveyId: string,
  range: Range,
  narrow: ResponseNarrowing,
): Promise<{ items: SurveyResponse[]; sampled: boolean }> {
  if (caller.role === 'analyst') return { items: [], sampled: false };
  const items: SurveyResponse[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await responses.listResponsesSubmitted(surveyId, range, { limit: 200, ...(cursor && { cursor }) });
    read += page.items.length;
    for (const r of page.items) {
      if (r.analysis && (!narrow.touchpoint || r.touchpoint === narrow.touchpoint) && (!narrow.channel || r.channel === narrow.channel) && seesResponse(caller, r)) items.push(r);
    }
    cursor = page.nextCursor;
  } while (cursor && read < THEMES_READ);
  return { items, sampled: cursor !== undefined };
}
