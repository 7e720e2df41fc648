import { escapeHtml } from './html';

/**
 * Charts as inline SVG, drawn on the server: no script, nothing to download, readable by screen readers
 * (each chart has a title and description, and its numbers in a table beside it).
 */

export interface Bar {
  readonly label: string;
  readonly count: number;
  /** Colours the extremes: `low` (e.g. detractors) and `high` (promoters) stand out from the middle. */
  readonly tone: 'low' | 'mid' | 'high';
}

const TONES = { low: '#b3261e', mid: '#8a8a8a', high: '#1e7e34' } as const;
/** Distinct, colour-blind-safe series colours (Okabe–Ito). */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'] as const;

let chartCounter = 0;
const chartId = (prefix: string) => `${prefix}-${++chartCounter}`;

/** A table cell: text, or text linking to what is behind it (the responses of that week and series). */
type Cell = string | number | { readonly text: string; readonly href?: string };

const cellHtml = (cell: Cell) =>
  typeof cell === 'object' ? (cell.href ? `<a href="${escapeHtml(cell.href)}">${escapeHtml(cell.text)}</a>` : escapeHtml(cell.text)) : escapeHtml(cell);

const dataTable = (caption: string, head: readonly string[], rows: readonly (readonly Cell[])[], open = false) =>
  `<details${open ? ' open' : ''}><summary>${escapeHtml(caption)} as a table</summary><div class="scroll"><table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${cellHtml(cell)}</th>` : `<td>${cellHtml(cell)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div></details>`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An axis label short enough not to collide: "7 Sep" for a day, "Sep 2026" for a month, "W37" for a week id. */
export function shortPeriod(period: string): string {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (m) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]}`;
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  m = /^\d{4}-W(\d{2})$/.exec(period);
  if (m) return `W${Number(m[1])}`;
  return period;
}

/** Where a chart's numbers lead: the responses behind one period of one series, and behind one series. */
export interface ChartLinks {
  readonly point?: (periodIndex: number, series: string) => string | undefined;
  readonly series?: (series: string) => string | undefined;
}

/** A distribution as vertical bars, one per answer value, with counts above and the share in the table. */
export function histogramSvg(title: string, bars: readonly Bar[], description = ''): string {
  const id = chartId('hist');
  const width = 36 * bars.length + 20;
  const height = 140;
  const total = bars.reduce((sum, b) => sum + b.count, 0);
  const highest = Math.max(1, ...bars.map((b) => b.count));
  const drawn = bars
    .map((bar, i) => {
      const h = Math.round((bar.count / highest) * 90);
      const x = 10 + i * 36;
      return `<rect x="${x}" y="${110 - h}" width="28" height="${h}" fill="${TONES[bar.tone]}"></rect><text x="${x + 14}" y="${104 - h}" text-anchor="middle" font-size="10">${bar.count}</text><text x="${x + 14}" y="126" text-anchor="middle" font-size="11">${escapeHtml(bar.label)}</text>`;
    })
    .join('');
  const summary = `${total} answer${total === 1 ? '' : 's'}: ${bars.map((b) => `${b.label}: ${b.count}`).join(', ')}`;
  return `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(description || summary)}</desc>${drawn}</svg><figcaption>${escapeHtml(title)}</figcaption>${dataTable(
    title,
    ['Answer', 'Count', 'Share'],
    bars.map((b) => [b.label, b.count, total ? `${Math.round((b.count / total) * 1000) / 10}%` : '—']),
  )}</figure>`;
}

export interface Series {
  readonly name: string;
  /** One value per period, `null` where there is no data (the line breaks there). */
  readonly values: readonly (number | null)[];
}

/**
 * Lines over periods (e.g. NPS per week per touchpoint), on a fixed scale so that dips read truly. Periods
 * marked `partial` (not over yet) are drawn dashed with hollow points, and say so: a week half gone is not a drop.
 */
export function lineChartSvg(
  title: string,
  periods: readonly string[],
  series: readonly Series[],
  scale: { min: number; max: number },
  unit = '',
  partial: readonly boolean[] = [],
  links: ChartLinks = {},
  periodLabels: readonly string[] = periods,
): string {
  const id = chartId('line');
  const width = Math.max(320, 60 + periods.length * 48);
  const height = 200;
  const plot = { left: 40, right: width - 10, top: 10, bottom: 160 };
  const x = (i: number) => (periods.length <= 1 ? (plot.left + plot.right) / 2 : plot.left + (i * (plot.right - plot.left)) / (periods.length - 1));
  const y = (v: number) => plot.bottom - ((v - scale.min) / (scale.max - scale.min)) * (plot.bottom - plot.top);
  const ticks = [scale.min, (scale.min + scale.max) / 2, scale.max]
    .map((t) => `<line x1="${plot.left}" x2="${plot.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"></line><text x="${plot.left - 4}" y="${y(t) + 4}" text-anchor="end" font-size="10">${t}</text>`)
    .join('');
  // At most seven labels, short ones, so they never run into each other (the table has every period).
  const every = Math.ceil(periods.length / 7);
  const labels = periodLabels
    .map((p, i) => (i % every === 0 ? `<text x="${x(i)}" y="${plot.bottom + 18}" text-anchor="middle" font-size="12">${escapeHtml(shortPeriod(p))}</text>` : ''))
    .join('');
  const lines = series
    .map((s, n) => {
      const colour = SERIES_COLOURS[n % SERIES_COLOURS.length];
      const at = (i: number) => `${x(i).toFixed(1)},${y(s.values[i] as number).toFixed(1)}`;
      const segments: string[][] = [[]];
      s.values.forEach((v, i) => (v === null || partial[i] ? segments.push([]) : segments[segments.length - 1].push(at(i))));
      const paths = segments
        .filter((points) => points.length)
        .map((points) => (points.length === 1 ? `<circle cx="${points[0].split(',')[0]}" cy="${points[0].split(',')[1]}" r="3" fill="${colour}"></circle>` : `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"></polyline>`))
        .join('');
      // A period not over yet: dashed from the point before, a hollow point.
      const unfinished = s.values
        .map((v, i) => {
          if (v === null || !partial[i]) return '';
          const [cx, cy] = at(i).split(',');
          const from = i > 0 && s.values[i - 1] !== null ? `<polyline fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="4 3" points="${at(i - 1)} ${at(i)}"></polyline>` : '';
          return `${from}<circle cx="${cx}" cy="${cy}" r="3.5" fill="#fff" stroke="${colour}" stroke-width="2"></circle>`;
        })
        .join('');
      return paths + unfinished;
    })
    .join('');
  const legend = series
    .map((s, n) => {
      const href = links.series?.(s.name);
      const name = href ? `<a href="${escapeHtml(href)}">${escapeHtml(s.name)}</a>` : escapeHtml(s.name);
      return `<li><span class="swatch" style="background:${SERIES_COLOURS[n % SERIES_COLOURS.length]}"></span>${name}</li>`;
    })
    .join('');
  const fmt = (v: number | null) => (v === null ? '—' : `${v}${unit}`);
  const periodLabel = (p: string, i: number) => (partial[i] ? `${p} (so far)` : p);
  const note = partial.some(Boolean) ? ' <span class="note">— dashed: not over yet</span>' : '';
  return `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(
    series.map((s) => `${s.name}: ${s.values.map((v, i) => `${fmt(v)}${partial[i] ? ' (so far)' : ''}`).join(', ')}`).join('; '),
  )}</desc>${ticks}${labels}${lines}</svg><figcaption>${escapeHtml(title)}${note}</figcaption><ul class="legend">${legend}</ul>${dataTable(
    title,
    ['Period', ...series.map((s) => s.name)],
    periods.map((p, i) => [periodLabel(periodLabels[i] ?? p, i), ...series.map((s) => ({ text: fmt(s.values[i] ?? null), href: s.values[i] === null ? undefined : links.point?.(i, s.name) }))]),
  )}</figure>`;
}
