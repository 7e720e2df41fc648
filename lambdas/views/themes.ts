import { lineChartSvg, type Series } from './charts';
import { escapeHtml } from './html';
import type { ThemesReport } from '../domain/insight/themes-report';

/** The dashboard's "What people talk about": themes by share with their NPS, and the top themes per week. */
export interface ThemesView {
  readonly analysed: number;
  readonly sentiment: string;
  readonly rows: readonly {
    readonly theme: string;
    readonly label: string;
    readonly share: number;
    readonly mentions: number;
    readonly nps: string;
    readonly change: string;
    /** Among the themes that pull the NPS down most (the two with the most negative impact). */
    readonly pullsDown?: string;
    /** The responses that mention it, for roles that see responses. */
    readonly href?: string;
  }[];
  readonly trend?: { readonly title: string; readonly periods: readonly string[]; readonly periodLabels: readonly string[]; readonly series: readonly Series[]; readonly partial: readonly boolean[]; readonly seriesHrefs?: Readonly<Record<string, string>> };
}

/** How many themes are marked as pulling the score down, and drawn in the weekly trend. */
const MARKED = 2;
const TRENDED = 3;

const signed = (v: number) => (v > 0 ? `+${v}` : v < 0 ? `−${-v}` : '0');

/**
 * The view of a themes report: each theme's share and NPS, the themes with the most negative impact marked,
 * links to the responses behind each (when `themeHref` is given), and the top themes' share per week.
 */
export function themesViewOf(
  report: ThemesReport,
  weekly: { readonly periods: readonly string[]; readonly periodLabels: readonly string[]; readonly partial: readonly boolean[]; readonly shares: (themes: readonly string[]) => Series[] },
  themeHref?: (theme: string) => string,
): ThemesView {
  const pulling = report.themes
    .filter((t) => t.impact !== null && t.impact < 0)
    .sort((a, b) => a.impact! - b.impact!)
    .slice(0, MARKED)
    .map((t) => t.theme);
  const rows = report.themes.map((t) => ({
    theme: t.theme,
    label: t.label,
    share: t.share.percent,
    mentions: t.mentions,
    nps: t.nps ? `NPS ${t.nps.score} (95% ${t.nps.low} to ${t.nps.high}, n = ${t.nps.n})${t.nps.tooFew ? ', too few to read much into' : ''}` : 'no NPS answers',
    change:
      t.previous.mentions === 0 && report.previous.analysed === 0
        ? 'nothing to compare with in the period before'
        : `${signed(t.change.share)} points of share${t.change.shareSignificant ? ' (significant)' : ''} since the period before${t.change.nps === null ? '' : `, NPS ${signed(t.change.nps)}${t.change.npsSignificant ? ' (significant)' : ''}`}`,
    ...(pulling.includes(t.theme) && { pullsDown: `pulls the NPS down ${-t.impact!} points` }),
    ...(themeHref && { href: themeHref(t.theme) }),
  }));
  const top = report.themes.filter((t) => t.theme !== 'unassigned').slice(0, TRENDED);
  const labels = new Map(report.themes.map((t) => [t.theme, t.label]));
  const series = weekly.shares(top.map((t) => t.theme)).map((s) => ({ name: labels.get(s.name) ?? s.name, values: s.values }));
  const { negative, neutral, positive, unread } = report.sentiment;
  return {
    analysed: report.analysed,
    sentiment: `${negative} negative, ${neutral} neutral, ${positive} positive${unread ? `, ${unread} in a language not read` : ''}`,
    rows,
    ...(top.length > 0 && {
      trend: {
        title: `Share of comments per week, top ${top.length} theme${top.length === 1 ? '' : 's'}`,
        periods: weekly.periods,
        periodLabels: weekly.periodLabels,
        series,
        partial: weekly.partial,
        ...(themeHref && { seriesHrefs: Object.fromEntries(top.map((t) => [t.label, themeHref(t.theme)])) }),
      },
    }),
  };
}

/** The section: a bar per theme (share of analysed comments) with its NPS, the marked ones, and the weekly trend. */
export function themesSection(view: ThemesView): string {
  if (view.analysed === 0) return '<section aria-labelledby="s-themes"><h2 id="s-themes">What people talk about</h2><p>No analysed comments in this period.</p></section>';
  const items = view.rows
    .map((r) => {
      const name = r.href ? `<a href="${escapeHtml(r.href)}">${escapeHtml(r.label)}</a>` : escapeHtml(r.label);
      const mark = r.pullsDown ? ` <strong class="pulls">▼ ${escapeHtml(r.pullsDown)}</strong>` : '';
      return `<li${r.pullsDown ? ' class="down"' : ''}><div class="theme-head"><span class="theme-name">${name}</span> <span>${r.share}% · ${r.mentions} mention${r.mentions === 1 ? '' : 's'}</span>${mark}</div><div class="bar" aria-hidden="true"><span style="width:${Math.min(100, Math.max(0, r.share))}%"></span></div><div class="theme-meta">${escapeHtml(r.nps)} · ${escapeHtml(r.change)}</div></li>`;
    })
    .join('');
  const chart = view.trend ? lineChartSvg(view.trend.title, view.trend.periods, view.trend.series, { min: 0, max: 100 }, '%', view.trend.partial, { series: (name) => view.trend?.seriesHrefs?.[name] }, view.trend.periodLabels) : '';
  return `<section aria-labelledby="s-themes"><h2 id="s-themes">What people talk about</h2><p>${view.analysed} comment${view.analysed === 1 ? '' : 's'} analysed: ${escapeHtml(view.sentiment)}. Themes by share of those comments (one comment can have several), with the NPS of the responses that mention them.</p><ol class="themes">${items}</ol><div class="charts">${chart}</div></section>`;
}

/** The section's styles (added to the dashboard's). */
export const THEMES_STYLE = `.themes{list-style:none;padding:0;margin:0;max-width:48rem}.themes li{margin:.6rem 0}.themes .theme-name{font-weight:600}.themes .bar{background:#eef1f5;height:.8rem;border-radius:.2rem;overflow:hidden}
.themes .bar span{display:block;height:100%;background:#0072b2}.themes li.down .bar span{background:#b3261e}.themes .pulls{color:#b3261e;font-weight:600}.themes .theme-meta{font-size:.85rem;color:#444;overflow-wrap:anywhere}.themes a{display:inline-block;padding:.2rem 0}`;
