import { histogramSvg, lineChartSvg, type Bar, type Series } from './charts';
import { escapeHtml } from './html';
import { duration, localTime, relativeTo } from './time';
import type { DestinationHealth } from '../domain/destinations/health';
import { THEMES_STYLE, themesSection, type ThemesView } from './themes';
import { firstDayOf, lastDayOf, type CaseMetrics, type FunnelStage, type Summary, type Trend } from '../domain/insight/reports';
import type { Survey } from '../domain/surveys/survey';
import type { Question } from '../domain/surveys/survey-schema';

/** A proportion or score with its 95% interval and the count behind it. */
export interface Estimate {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
  /** Below the threshold of responses: shown, but flagged as too few to read much into. */
  readonly tooFew: boolean;
}

export interface DashboardView {
  readonly signedInAs: { readonly name: string; readonly role: string };
  readonly filter: { readonly surveyId: string; readonly from: string; readonly to: string };
  /** The surveys the key may pick from (newest first). */
  readonly surveys?: readonly { readonly id: string; readonly name: string }[];
  readonly surveyName?: string;
  /** The survey's time zone: the times on the page are shown in it. */
  readonly timeZone?: string;
  readonly headline: readonly { readonly label: string; readonly unit: string; readonly estimate?: Estimate; readonly note: string }[];
  readonly distributions: readonly { readonly title: string; readonly bars: readonly Bar[]; readonly extremes: string }[];
  readonly trends: readonly {
    readonly title: string;
    readonly periods: readonly string[];
    /** The first day of each period, for the axis and the table. */
    readonly periodLabels?: readonly string[];
    readonly series: readonly Series[];
    readonly scale: { min: number; max: number };
    readonly partial: readonly boolean[];
    /** The drill-down pages behind each point (series × period) and each series, for roles that see responses. */
    readonly pointHrefs?: readonly (readonly (string | undefined)[])[];
    readonly seriesHrefs?: Readonly<Record<string, string>>;
  }[];
  readonly funnel?: readonly { readonly stage: string; readonly count: number; readonly note?: string }[];
  /** What the analysed comments talk about (counts only: every role sees it). */
  readonly themes?: ThemesView;
  /** Only for roles that see people: the latest comments of detractors, and open cases. */
  readonly comments?: readonly { readonly at: string; readonly score: string; readonly text: string; readonly channel: string }[];
  readonly openCases?: readonly { readonly id: string; readonly severity: string; readonly status: string; readonly openedAt: string; readonly owner: string; readonly href: string }[];
  readonly caseMetrics?: readonly { readonly label: string; readonly value: string }[];
  readonly notice?: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;line-height:1.45}header{background:#1f3b5c;color:#fff;padding:.75rem 1.25rem;display:flex;gap:.5rem 1rem;align-items:center;flex-wrap:wrap;box-sizing:border-box;width:100%}
header h1{font-size:1.2rem;margin:0 auto 0 0;min-width:0;overflow-wrap:anywhere}header form{margin:0}header button{background:#fff;color:#1f3b5c;border:0;border-radius:.3rem;padding:.35rem .8rem;min-height:2rem;cursor:pointer}
header nav{display:flex;gap:.25rem .75rem;flex-wrap:wrap}header nav a{color:#fff;padding:.3rem 0}header nav a[aria-current]{font-weight:700;text-decoration-thickness:2px}.who{font-size:.9rem}
.scroll{overflow-x:auto;max-width:100%}table.inbox td,table.inbox th{vertical-align:top}table.inbox tr.overdue{background:#fff1f0}table.inbox td:nth-child(3){min-width:14rem}table.inbox a{display:inline-block;padding:.2rem 0}
.responses{padding-left:1.2rem}.responses li{margin:.5rem 0}.responses .analysis{font-size:.85rem;color:#444;margin:0}.filter select{font-size:1rem;padding:.3rem;min-height:2rem;max-width:100%}.filter label{max-width:100%;min-width:0}td.when{white-space:nowrap}
main{padding:1rem 1.25rem;max-width:75rem}section{margin:1.5rem 0}h2{font-size:1.1rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
.filter{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end}.filter input{max-width:100%;box-sizing:border-box;min-height:2rem}.signin input{box-sizing:border-box;width:100%;max-width:30rem;font-size:1rem;padding:.45rem;min-height:2.75rem}.filter label{display:flex;flex-direction:column;font-size:.9rem}.filter input{font-size:1rem;padding:.3rem}
.filter button,.signin button{font-size:1rem;padding:.4rem 1rem;border:0;border-radius:.3rem;background:#1f5fbf;color:#fff;cursor:pointer}
.figures{display:flex;gap:1rem;flex-wrap:wrap}.figure{border:1px solid #ccc;border-radius:.5rem;padding:.75rem 1rem;min-width:12rem}.figure .value{font-size:2rem;font-weight:700}
.figure .few{color:#8a4b00;font-weight:600}.charts{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}figure.chart{margin:0;max-width:100%;min-width:0}figure.chart svg{max-width:100%;height:auto}figcaption{font-weight:600;font-size:.9rem}figcaption .note{font-weight:400;color:#555}
.legend{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap;font-size:.85rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}.extremes{font-size:.9rem;margin:.25rem 0 0}
.destination{border-top:1px solid #ddd;padding-top:.25rem}.destination h2{border:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}.health{font-size:.85rem;font-weight:600;padding:.1rem .5rem;border-radius:1rem;background:#eef1f4;color:#333}
.health-failing{background:#fdecea;color:#8c1d18}.health-delivering{background:#e7f4ea;color:#1e5e2f}.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem 1.5rem;margin:.5rem 0}.facts div{min-width:0}.sends,.destination .notice{margin:.25rem 0;overflow-wrap:anywhere}.facts dt{font-size:.8rem;color:#555}.facts dd{margin:0;overflow-wrap:anywhere}
.health-figures{background:#f6f8fa;border-radius:.5rem;padding:.6rem .8rem}table.deliveries{width:100%}table.deliveries caption{text-align:left;font-weight:600;font-size:.9rem;padding:.25rem 0}table.deliveries td,table.deliveries th{vertical-align:top;overflow-wrap:anywhere}.state-dead{color:#8c1d18;font-weight:600}.state-pending{color:#8a4b00;font-weight:600}
@media (max-width:40rem){table.deliveries thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.deliveries,table.deliveries caption,table.deliveries tbody,table.deliveries tr,table.deliveries th,table.deliveries td{display:block}table.deliveries tr{border:1px solid #ddd;border-radius:.4rem;margin:.5rem 0;padding:.35rem .5rem}table.deliveries th,table.deliveries td{border:0;padding:.1rem 0;display:grid;grid-template-columns:7rem minmax(0,1fr);gap:.5rem}table.deliveries th::before,table.deliveries td::before{content:attr(data-label);color:#555;font-weight:400;font-size:.85rem}}
.notice{background:#fff4e5;border-left:4px solid #8a4b00;padding:.5rem .75rem}blockquote{margin:.25rem 0 .75rem;padding-left:.75rem;border-left:3px solid #b3261e}`;

function shell(title: string, header: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${STYLE}${THEMES_STYLE}</style></head><body>${header}<main>${body}</main></body></html>`;
}

/** The sign-in page: the API key goes in a POST body, never in a URL, and comes back as an HttpOnly session cookie. */
export function signInPage(action: string, problem?: string): string {
  return shell(
    'Sign in – CX dashboard',
    '<header><h1>CX dashboard</h1></header>',
    `<h2>Sign in</h2>${problem ? `<p class="notice" role="alert">${escapeHtml(problem)}</p>` : ''}<form class="signin" method="post" action="${escapeHtml(action)}"><p><label for="apiKey">API key</label><br><input id="apiKey" name="apiKey" type="password" autocomplete="off" required></p><p><button type="submit">Sign in</button></p></form><p>An admin, manager or analyst key. The session lasts 8 hours; the key itself is not kept in your browser.</p>`,
  );
}

const pct = (v: number) => `${Math.round(v * 10) / 10}`;

function headlineFigure(item: DashboardView['headline'][number]): string {
  const e = item.estimate;
  if (!e) return `<div class="figure"><div>${escapeHtml(item.label)}</div><div class="value">—</div><div>no answers in this period</div></div>`;
  return `<div class="figure"><div>${escapeHtml(item.label)}</div><div class="value">${escapeHtml(pct(e.value))}${escapeHtml(item.unit)}</div><div>95% interval ${escapeHtml(pct(e.low))} to ${escapeHtml(pct(e.high))}${escapeHtml(item.unit)} · n = ${e.n}</div>${
    e.tooFew ? '<div class="few">Too few responses to read much into</div>' : ''
  }<div>${escapeHtml(item.note)}</div></div>`;
}

/** The header of every signed-in page: where you are, the sections, who you are, and signing out. */
function signedInHeader(title: string, signedInAs: DashboardView['signedInAs'], links: DashboardLinks, current: 'reports' | 'cases' | 'destinations'): string {
  const nav = (href: string, label: string, key: typeof current) => `<a href="${escapeHtml(href)}"${key === current ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<header><h1>${escapeHtml(title)}</h1><nav aria-label="Sections">${nav(links.reports, 'Reports', 'reports')}${signedInAs.role === 'analyst' ? '' : nav(links.cases, 'Cases', 'cases')}${
    signedInAs.role === 'admin' ? nav(links.destinations, 'Destinations', 'destinations') : ''
  }</nav><span class="who">${escapeHtml(signedInAs.name)} (${escapeHtml(signedInAs.role)})</span><form method="post" action="${escapeHtml(links.signOut)}"><button type="submit">Sign out</button></form></header>`;
}

export interface DashboardLinks {
  readonly reports: string;
  readonly cases: string;
  /** Admin keys only. */
  readonly destinations: string;
  readonly signOut: string;
}

export interface InboxPageView {
  readonly signedInAs: DashboardView['signedInAs'];
  readonly views: readonly { readonly key: string; readonly label: string }[];
  readonly chosen: { readonly view: string; readonly status: string; readonly severity: string; readonly touchpoint: string };
  readonly rows: readonly {
    readonly href: string;
    readonly customer: string;
    readonly score: string;
    readonly comment: string;
    readonly severity: string;
    readonly status: string;
    readonly touchpoint: string;
    readonly owner: string;
    readonly timeLeft: string;
    readonly overdue: boolean;
  }[];
  readonly notice?: string;
}

const select = (name: string, label: string, chosen: string, options: readonly (readonly [string, string])[]) =>
  `<label>${escapeHtml(label)} <select name="${escapeHtml(name)}">${options.map(([value, text]) => `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(text)}</option>`).join('')}</select></label>`;

/** The case inbox: overdue first, each row with the customer, score, first words of the comment and time left. */
export function inboxPage(view: InboxPageView, links: DashboardLinks, severities: readonly string[]): string {
  const filter = `<form class="filter" method="get" action="${escapeHtml(links.cases)}">${select('view', 'Cases', view.chosen.view, view.views.map((v) => [v.key, v.label] as const))}${select('status', 'Status', view.chosen.status, [
    ['', 'unresolved'],
    ['open', 'open'],
    ['acknowledged', 'acknowledged'],
    ['escalated', 'escalated'],
    ['resolved', 'resolved'],
  ])}${select('severity', 'Severity', view.chosen.severity, [['', 'any'], ...severities.map((s) => [s, s] as const)])}<label>Touchpoint <input name="touchpoint" value="${escapeHtml(view.chosen.touchpoint)}" size="12" pattern="[a-z0-9][a-z0-9-]{0,59}"></label><button type="submit">Show</button></form>`;
  const rows = view.rows.length
    ? `<div class="scroll"><table class="inbox"><thead><tr><th scope="col">Customer</th><th scope="col">Score</th><th scope="col">Comment</th><th scope="col">Time left</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Touchpoint</th><th scope="col">Owner</th></tr></thead><tbody>${view.rows
        .map(
          (r) =>
            `<tr${r.overdue ? ' class="overdue"' : ''}><th scope="row"><a href="${escapeHtml(r.href)}">${escapeHtml(r.customer)}</a></th><td>${escapeHtml(r.score)}</td><td>${escapeHtml(r.comment)}</td><td>${r.overdue ? '<strong>overdue</strong> ' : ''}${escapeHtml(r.timeLeft)}</td><td>${escapeHtml(r.severity)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.touchpoint)}</td><td>${escapeHtml(r.owner)}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p>No cases match.</p>';
  return shell(
    'Cases – CX dashboard',
    signedInHeader('Cases', view.signedInAs, links, 'cases'),
    `${filter}${view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : ''}<section aria-labelledby="s-inbox"><h2 id="s-inbox">${view.rows.length} case${view.rows.length === 1 ? '' : 's'}, overdue first</h2>${rows}</section>`,
  );
}

/** The survey as a list to pick from; an id outside the list (typed into the URL) stays chosen, so its notice makes sense. */
function surveyPicker(view: DashboardView): string {
  const surveys = view.surveys ?? [];
  if (surveys.length === 0) return `<label>Survey <input name="surveyId" value="${escapeHtml(view.filter.surveyId)}" required></label>`;
  const listed = surveys.some((s) => s.id === view.filter.surveyId);
  const options = [...(listed || !view.filter.surveyId ? [] : [{ id: view.filter.surveyId, name: `${view.filter.surveyId} (not found)` }]), ...surveys]
    .map((s) => `<option value="${escapeHtml(s.id)}"${s.id === view.filter.surveyId ? ' selected' : ''}>${escapeHtml(s.name)}${s.name === s.id ? '' : ` (${escapeHtml(s.id)})`}</option>`)
    .join('');
  return `<label>Survey <select name="surveyId">${options}</select></label>`;
}

export interface ResponsesPageView {
  readonly signedInAs: DashboardView['signedInAs'];
  /** What the list is of, in words: "Support call follow-up · delivery · 7 Sep – 13 Sep 2026". */
  readonly heading: string;
  readonly back: string;
  readonly rows: readonly {
    readonly at: string;
    readonly score: string;
    readonly channel: string;
    readonly touchpoint: string;
    readonly customer: string;
    readonly comment?: string;
    readonly caseHref?: string;
    /** The comment's analysis: its sentiment and theme labels. */
    readonly sentiment?: string;
    readonly themes?: readonly string[];
  }[];
  readonly matched: number;
  readonly notice?: string;
}

/** The responses behind a figure, newest first: each with its scores, channel, customer and comment, and its case when it opened one. */
export function responsesPage(view: ResponsesPageView, links: DashboardLinks): string {
  const rows = view.rows.length
    ? `<ol class="responses">${view.rows
        .map(
          (r) =>
            `<li><p><strong>${escapeHtml(r.score)}</strong> · ${escapeHtml(r.touchpoint)} · ${escapeHtml(r.channel)} · ${escapeHtml(r.customer)} · <span class="when">${escapeHtml(r.at)}</span>${
              r.caseHref ? ` · <a href="${escapeHtml(r.caseHref)}">its case</a>` : ''
            }</p>${r.comment ? `<blockquote>${escapeHtml(r.comment)}</blockquote>` : ''}${
              r.themes ? `<p class="analysis">Sentiment: ${escapeHtml(r.sentiment ?? 'not read')} · Themes: ${escapeHtml(r.themes.length ? r.themes.join(', ') : 'none')}</p>` : ''
            }</li>`,
        )
        .join('')}</ol>`
    : '<p>No responses match.</p>';
  return shell(
    'Responses – CX dashboard',
    signedInHeader('Responses', view.signedInAs, links, 'reports'),
    `<p><a href="${escapeHtml(view.back)}">← Back to the reports</a></p><h2>${escapeHtml(view.heading)}</h2>${view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : ''}<p>${view.matched} response${view.matched === 1 ? '' : 's'}${view.matched > view.rows.length ? `, the newest ${view.rows.length} shown` : ''}.</p>${rows}`,
  );
}

export function dashboardPage(view: DashboardView, links: DashboardLinks, selfPath: string): string {
  const header = signedInHeader(`CX dashboard${view.surveyName ? ` – ${view.surveyName}` : ''}`, view.signedInAs, links, 'reports');
  const filter = `<form class="filter" method="get" action="${escapeHtml(selfPath)}">${surveyPicker(view)}<label>From <input type="date" name="from" value="${escapeHtml(view.filter.from)}"></label><label>To <input type="date" name="to" value="${escapeHtml(view.filter.to)}"></label><button type="submit">Show</button></form>`;
  const sections = [
    view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : '',
    `<section aria-labelledby="s-figures"><h2 id="s-figures">Scores, with their intervals</h2><div class="figures">${view.headline.map(headlineFigure).join('')}</div></section>`,
    view.distributions.length
      ? `<section aria-labelledby="s-dist"><h2 id="s-dist">Distributions and extremes</h2><div class="charts">${view.distributions
          .map((d) => `<div>${histogramSvg(d.title, d.bars)}<p class="extremes">${escapeHtml(d.extremes)}</p></div>`)
          .join('')}</div></section>`
      : '',
    view.trends.length
      ? `<section aria-labelledby="s-trends"><h2 id="s-trends">Trends</h2><div class="charts">${view.trends
          .map((t) =>
            lineChartSvg(t.title, t.periods, t.series, t.scale, '', t.partial, {
              point: (i, name) => t.pointHrefs?.[t.series.findIndex((s) => s.name === name)]?.[i],
              series: (name) => t.seriesHrefs?.[name],
            }, t.periodLabels ?? t.periods),
          )
          .join('')}</div></section>`
      : '',
    view.themes ? themesSection(view.themes) : '',
    view.funnel
      ? `<section aria-labelledby="s-funnel"><h2 id="s-funnel">Response funnel</h2><div class="scroll"><table><thead><tr><th scope="col">Stage</th><th scope="col">Count</th><th scope="col">Note</th></tr></thead><tbody>${view.funnel
          .map((f) => `<tr><th scope="row">${escapeHtml(f.stage)}</th><td>${f.count}</td><td>${escapeHtml(f.note ?? '')}</td></tr>`)
          .join('')}</tbody></table></div></section>`
      : '',
    view.comments
      ? `<section aria-labelledby="s-comments"><h2 id="s-comments">Latest detractor comments</h2>${
          view.comments.length
            ? view.comments.map((c) => `<p><strong>${escapeHtml(c.score)}</strong> · ${escapeHtml(c.channel)} · ${escapeHtml(localTime(c.at, view.timeZone))}</p><blockquote>${escapeHtml(c.text)}</blockquote>`).join('')
            : '<p>None in this period.</p>'
        }</section>`
      : '',
    view.openCases
      ? `<section aria-labelledby="s-cases"><h2 id="s-cases">Open cases</h2>${
          view.caseMetrics?.length ? `<ul>${view.caseMetrics.map((m) => `<li>${escapeHtml(m.label)}: <strong>${escapeHtml(m.value)}</strong></li>`).join('')}</ul>` : ''
        }${
          view.openCases.length
            ? `<div class="scroll"><table><thead><tr><th scope="col">Case</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Opened</th><th scope="col">Owner</th></tr></thead><tbody>${view.openCases
                .map((c) => `<tr><th scope="row"><a href="${escapeHtml(c.href)}">${escapeHtml(c.id.slice(0, 12))}…</a></th><td>${escapeHtml(c.severity)}</td><td>${escapeHtml(c.status)}</td><td class="when">${escapeHtml(localTime(c.openedAt, view.timeZone))}</td><td>${escapeHtml(c.owner)}</td></tr>`)
                .join('')}</tbody></table></div>`
            : '<p>No open cases.</p>'
        }</section>`
      : '',
  ];
  return shell(`CX dashboard${view.surveyName ? ` – ${view.surveyName}` : ''}`, header, filter + sections.join(''));
}

/** What the dashboard shows, from the reports: the same figures the reporting API answers. */
export function viewOf(input: {
  readonly signedInAs: DashboardView['signedInAs'];
  readonly filter: DashboardView['filter'];
  readonly survey: Pick<Survey, 'name' | 'questions'> & Partial<Pick<Survey, 'timeZone'>>;
  readonly summary: Summary;
  readonly trends: readonly { readonly title: string; readonly trend: Trend; readonly by?: 'touchpoint' | 'channel' | 'none' }[];
  /** The drill-down page's address, when the caller may see responses. */
  readonly drillDown?: string;
  readonly comments?: DashboardView['comments'];
  readonly openCases?: DashboardView['openCases'];
  readonly caseMetrics?: CaseMetrics;
  readonly funnel?: readonly FunnelStage[];
  readonly themes?: ThemesView;
}): DashboardView {
  const { total } = input.summary;
  const nps = total.nps;
  // A figure for each kind of question the survey asks.
  const asked = new Set(input.survey.questions.map((q) => q.type));
  const figures: [Question['type'], DashboardView['headline'][number]][] = [
    ['nps', {
      label: 'NPS',
      unit: '',
      ...(nps && { estimate: { value: nps.score, low: nps.low, high: nps.high, n: nps.n, tooFew: nps.tooFew } }),
      note: nps ? `${nps.promoters} promoters, ${nps.passives} passives, ${nps.detractors} detractors` : '',
    }],
    ['csat', {
      label: 'CSAT (top-2-box)',
      unit: '%',
      ...(total.csat && { estimate: { value: total.csat.top2Box.percent, low: total.csat.top2Box.low, high: total.csat.top2Box.high, n: total.csat.n, tooFew: total.csat.tooFew } }),
      note: total.csat ? `bottom box ${total.csat.bottomBox.percent}%` : '',
    }],
    ['ces', {
      label: 'CES (mean, 1–7, lower is easier)',
      unit: '',
      ...(total.ces && { estimate: { value: total.ces.mean.mean, low: total.ces.mean.low, high: total.ces.mean.high, n: total.ces.n, tooFew: total.ces.tooFew } }),
      note: total.ces ? `high effort (5–7): ${total.ces.highEffort.percent}%` : '',
    }],
  ];
  const headline = figures.filter(([type]) => asked.has(type)).map(([, figure]) => figure);
  const questionText = new Map(input.survey.questions.map((q) => [q.id, q.text]));
  const distributions = total.distributions.map((d) => {
    const values = Object.keys(d.counts).map(Number);
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const tone = (v: number): Bar['tone'] =>
      d.type === 'nps'
        ? v <= 6 ? 'low' : v >= 9 ? 'high' : 'mid'
        : d.type === 'ces'
          ? v === max ? 'low' : v === min ? 'high' : 'mid'
          : // CSAT: the top two boxes are the satisfied ones the headline counts, the bottom box the dissatisfied.
            d.type === 'csat' && v >= max - 1 ? 'high' : v === min ? 'low' : v === max ? 'high' : 'mid';
    return {
      title: `${questionText.get(d.questionId) ?? d.questionId} (n = ${d.n})`,
      bars: values.map((v) => ({ label: String(v), count: d.counts[String(v)], tone: tone(v) })),
      extremes: `Lowest answer (${d.extremes.lowest.value}): ${d.extremes.lowest.percent}% · highest (${d.extremes.highest.value}): ${d.extremes.highest.percent}%${d.tooFew ? ' · too few answers to read much into' : ''}`,
    };
  });
  const drill = (query: Record<string, string>) => `${input.drillDown}?${new URLSearchParams({ surveyId: trend0SurveyId(input), ...query }).toString()}`;
  const trends = input.trends.map(({ title, trend, by }) => ({
    title,
    periods: trend.periods,
    periodLabels: trend.periods.map((p) => firstDayOf(GRANULARITY_OF[trend.granularity], p)),
    ...(input.drillDown && {
      pointHrefs: trend.series.map((s) =>
        trend.periods.map((p) => {
          const from = maxDay(firstDayOf(GRANULARITY_OF[trend.granularity], p), trend.from);
          const to = minDay(lastDayOf(GRANULARITY_OF[trend.granularity], p), trend.to);
          return drill({ from, to, ...(by && by !== 'none' && { [by]: s.name }) });
        }),
      ),
      seriesHrefs: Object.fromEntries(trend.series.map((s) => [s.name, drill({ from: trend.from, to: trend.to, ...(by && by !== 'none' && { [by]: s.name }) })])),
    }),
    series: trend.series.map((s) => ({ name: s.name, values: s.points.map((p) => p.value) })),
    scale: trend.metric === 'nps' ? { min: -100, max: 100 } : trend.metric === 'ces' ? { min: 1, max: 7 } : trend.metric === 'responses' ? { min: 0, max: roundUp(trend) } : { min: 0, max: 100 },
    partial: trend.series[0]?.points.map((p) => p.partial) ?? [],
  }));
  const metrics = input.caseMetrics;
  return {
    signedInAs: input.signedInAs,
    filter: input.filter,
    surveyName: input.survey.name,
    ...(input.survey.timeZone && { timeZone: input.survey.timeZone }),
    headline,
    distributions,
    trends,
    ...(input.funnel?.length && {
      funnel: input.funnel.flatMap((f) => [
        { stage: `Invited (${f.channel})`, count: f.invited },
        { stage: 'Delivered', count: f.delivered, note: 'as the e-mail provider reports it' },
        { stage: 'Bounced', count: f.bounced, note: 'a permanent bounce also stops mail to the address' },
        { stage: 'One-click page opened', count: f.opened, note: 'by the person or a mail scanner' },
        { stage: 'Answered', count: f.answered, note: `response rate ${f.responseRate.percent}% (95% interval ${f.responseRate.low}–${f.responseRate.high}%)` },
        { stage: 'Completed', count: f.completed },
        { stage: 'Opened without an answer', count: f.openedWithoutAnswer },
      ]),
    }),
    ...(input.themes && { themes: input.themes }),
    ...(input.comments && { comments: input.comments }),
    ...(input.openCases && { openCases: input.openCases }),
    ...(metrics && {
      caseMetrics: [
        { label: 'Cases opened in the period', value: String(metrics.opened) },
        { label: 'Hours to acknowledge (median)', value: metrics.hoursToAcknowledge.median === null ? '—' : String(metrics.hoursToAcknowledge.median) },
        { label: 'Hours to resolve (median)', value: metrics.hoursToResolve.median === null ? '—' : String(metrics.hoursToResolve.median) },
        { label: 'Open for more than 7 days', value: String(metrics.openByAge.over7d) },
      ],
    }),
    ...(total.responses === 0 && { notice: 'No scored responses in this period.' }),
  };
}

const GRANULARITY_OF = { day: 'D', week: 'W', month: 'M' } as const;
const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a < b ? a : b);
const trend0SurveyId = (input: { readonly trends: readonly { readonly trend: Trend }[]; readonly filter: DashboardView['filter'] }) => input.trends[0]?.trend.surveyId ?? input.filter.surveyId;

/** A round top for a count axis: 1, 2 or 5 times a power of ten, at least the highest value. */
function roundUp(trend: Trend): number {
  const highest = Math.max(1, ...trend.series.flatMap((s) => s.points.map((p) => p.value ?? 0)));
  const power = 10 ** Math.floor(Math.log10(highest));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= highest)!;
}

export interface DestinationsPageView {
  readonly signedInAs: DashboardView['signedInAs'];
  readonly now: Date;
  readonly destinations: readonly {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    /** As the API shows it: a chat URL shortened to its origin. */
    readonly url: string;
    readonly events: readonly string[];
    readonly enabled: boolean;
    readonly disabledReason?: string;
    readonly filter?: string;
    readonly health: DestinationHealth;
    /** The latest deliveries, newest first. */
    readonly deliveries: readonly {
      readonly type: string;
      readonly createdAt: string;
      readonly state: string;
      readonly attemptCount: number;
      readonly lastAttempt?: { readonly at: string; readonly status?: number; readonly ms: number; readonly error?: string };
      readonly nextAttemptAt?: string;
    }[];
  }[];
  readonly notice?: string;
}

const TYPE_LABELS: Record<string, string> = { webhook: 'Signed webhook', slack: 'Slack', teams: 'Microsoft Teams' };
const HEALTH_LABELS: Record<DestinationHealth['status'], string> = { failing: 'Failing', delivering: 'Delivering', waiting: 'Waiting for its first try', quiet: 'Nothing sent yet' };

/** "3 min ago", "in 1 h 5 min", or within the minute "just now" (past) and "within a minute" (to come). */
const fromNow = (iso: string, now: Date) => {
  const ahead = Date.parse(iso) - now.getTime();
  if (Math.abs(ahead) >= 60_000) return relativeTo(iso, now);
  return ahead > 0 ? 'within a minute' : 'just now';
};

/** What one attempt found, in a few words: "HTTP 500 in 31 ms", or the error (a timeout, a refused address). */
const attemptText = (a: NonNullable<DestinationsPageView['destinations'][number]['deliveries'][number]['lastAttempt']>) =>
  a.status !== undefined ? `HTTP ${a.status} in ${a.ms} ms` : (a.error ?? 'no answer');

function destinationSection(d: DestinationsPageView['destinations'][number], now: Date, index: number): string {
  const h = d.health;
  const when = (iso: string) => `<span class="when">${escapeHtml(localTime(iso))}</span> (${escapeHtml(fromNow(iso, now))})`;
  const facts: [string, string][] = [
    ['Type', escapeHtml(TYPE_LABELS[d.type] ?? d.type)],
    ['Events', escapeHtml(d.events.join(', '))],
    ...(d.filter ? [['Only', escapeHtml(d.filter)] as [string, string]] : []),
    ['State', d.enabled ? 'Enabled' : `<strong>${d.disabledReason ? 'Disabled by the service' : 'Disabled'}</strong>`],
  ];
  const figures: [string, string][] = [
    ['Last delivered', h.lastDeliveredAt ? when(h.lastDeliveredAt) : 'never'],
    ...(h.failingSince ? [['Failing since', `${when(h.failingSince)}${h.lastFailure ? `; last: ${escapeHtml(attemptText(h.lastFailure))}` : ''}`] as [string, string]] : []),
    ['Pending', `${h.pending}${h.nextAttemptAt ? `, next try ${when(h.nextAttemptAt)}` : ''}`],
    ['Given up (dead)', String(h.dead)],
  ];
  const rows = d.deliveries
    .map((x) => {
      const cells: [string, string][] = [
        ['Event', escapeHtml(x.type)],
        ['Queued', `<span class="when">${escapeHtml(localTime(x.createdAt))}</span>`],
        ['State', `<span class="state-${escapeHtml(x.state)}">${escapeHtml(x.state)}</span>`],
        ['Attempts', String(x.attemptCount)],
        ['Last attempt', x.lastAttempt ? escapeHtml(attemptText(x.lastAttempt)) : '—'],
        ['Next try', x.state === 'pending' && x.nextAttemptAt ? escapeHtml(fromNow(x.nextAttemptAt, now)) : '—'],
      ];
      return `<tr>${cells.map(([label, value], i) => (i === 0 ? `<th scope="row" data-label="${label}">${value}</th>` : `<td data-label="${label}">${value}</td>`)).join('')}</tr>`;
    })
    .join('');
  const log = d.deliveries.length
    ? `<table class="deliveries"><caption>${d.deliveries.length === 1 ? 'The latest delivery' : `The latest ${d.deliveries.length} deliveries, newest first`}</caption><thead><tr><th scope="col">Event</th><th scope="col">Queued</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last attempt</th><th scope="col">Next try</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No deliveries yet.</p>';
  const id = `d-${index}`;
  // A disabled destination is tried no more: its state says more than its last failures.
  const badge = !d.enabled
    ? `<span class="health health-${d.disabledReason ? 'failing' : 'quiet'}">${d.disabledReason ? 'Disabled by the service' : 'Disabled'}</span>`
    : `<span class="health health-${h.status}">${escapeHtml(HEALTH_LABELS[h.status])}${h.failingForMs !== undefined ? ` for ${escapeHtml(h.failingForMs < 60_000 ? 'under a minute' : duration(h.failingForMs))}` : ''}</span>`;
  return `<section class="destination" aria-labelledby="${id}" data-destination="${escapeHtml(d.id)}"><h2 id="${id}">${escapeHtml(d.name)} ${badge}</h2><p class="sends">Sends to <code>${escapeHtml(d.url)}</code></p>${
    d.disabledReason ? `<p class="notice" role="status">Disabled by the service: ${escapeHtml(d.disabledReason)}. Fix the endpoint, then enable it again: <code>npm run cli -- destinations update ${escapeHtml(d.id)}</code> or <code>PUT /admin/destinations/${escapeHtml(d.id)}</code>.</p>` : ''
  }<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl><dl class="facts health-figures">${figures
    .map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`)
    .join('')}</dl>${log}</section>`;
}

/** Destinations (admin): each with what it sends where, its health, and its latest deliveries. Never a secret nor a whole chat URL. */
export function destinationsPage(view: DestinationsPageView, links: DashboardLinks): string {
  const body = view.destinations.length
    ? view.destinations.map((d, i) => destinationSection(d, view.now, i)).join('')
    : view.notice
      ? ''
      : '<p>No destinations yet. An admin adds them with <code>POST /admin/destinations</code> or <code>npm run cli -- destinations create</code>.</p>';
  return shell(
    'Destinations – CX dashboard',
    signedInHeader('Destinations', view.signedInAs, links, 'destinations'),
    `${view.notice ? `<p class="notice" role="status">${escapeHtml(view.notice)}</p>` : ''}<p>Times in UTC. Health is read from each destination's latest deliveries.</p>${body}`,
  );
}
