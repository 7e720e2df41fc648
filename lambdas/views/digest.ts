import type { DigestFigureDetail } from '../domain/destinations/events';
import type { DigestContent } from '../domain/destinations/digests';
import type { EmailMessage } from '../domain/kernel/senders';
import { escapeHtml } from './html';
import { emailDocument, SEVERITY_COLOURS } from './messages';
import { localTime, relativeTo } from './time';

/**
 * The digest e-mail: the period's NPS and CSAT with their interval and change, the reader's open and overdue
 * cases (the most overdue linked, signed for the reader), and the top themes. Plain text beside HTML; the
 * subject names the survey and period, no person.
 */

const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
const signed = (v: number) => (v > 0 ? `+${v}` : String(v));

/** "30 Nov 2026" or "week 2026-W48, 23–29 Nov 2026": the period as people read it. */
export function periodWords(content: Pick<DigestContent, 'period'>): string {
  const day = (d: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${d}T00:00:00Z`));
  const { period } = content;
  return period.frequency === 'daily' ? new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' }).format(new Date(`${period.from}T00:00:00Z`)) + ` ${day(period.from)}` : `week ${period.key}, ${day(period.from)} – ${day(period.to)}`;
}

/** A figure with its interval and change: "NPS 12.5 (95 % interval −20.1 to 41.3, 8 answers), +4.2 against the period before (not significant)". */
export function figureWords(name: string, value: number | undefined, detail: DigestFigureDetail | undefined, unit = ''): string {
  if (value === undefined || !detail) return `${name}: no answers`;
  const change =
    detail.change !== undefined ? `, ${signed(detail.change)}${unit ? ' points' : ''} against the period before (${detail.previous}${unit}; ${detail.significant ? 'significant' : 'not significant'} at 95 %)` : ', nothing to compare with in the period before';
  return `${name}: ${value}${unit} (95 % interval ${detail.low}${unit} to ${detail.high}${unit}, ${detail.n} answer${detail.n === 1 ? '' : 's'})${change}`;
}

export function digestSubject(content: DigestContent): string {
  return oneLine(`${content.period.frequency === 'daily' ? 'Daily' : 'Weekly'} digest · ${content.survey.name} · ${periodWords(content)}`);
}

export function digestEmail(content: DigestContent, to: string, now = new Date()): EmailMessage {
  const { data, timeZone } = content;
  const subject = digestSubject(content);
  const overdue = data.mostOverdue ?? [];
  const figures = [
    `Responses: ${data.responses} (period before: ${data.previousResponses ?? 0})`,
    figureWords('NPS', data.nps, data.npsDetail),
    figureWords('CSAT (satisfied, 4–5 of 5)', data.csat, data.csatDetail, ' %'),
    `Cases opened: ${data.casesOpened}`,
  ];
  const casesLine = `${data.casesOpen ?? 0} open case${data.casesOpen === 1 ? '' : 's'}, ${data.casesOverdue} overdue`;
  const themes = (data.topThemes ?? []).map((t) => `${t.label}: ${t.mentions} mention${t.mentions === 1 ? '' : 's'}, ${t.share} % of comments (${signed(t.shareChange)} points)`);
  const text = [
    `${subject}`,
    '',
    ...figures,
    '',
    `Your cases: ${casesLine}`,
    ...overdue.map((c) => `- ${c.severity} at ${oneLine(c.touchpoint)}, due ${localTime(c.dueAt, timeZone)} (${relativeTo(c.dueAt, now)}): ${c.caseUrl}`),
    '',
    themes.length ? `Top themes:\n${themes.map((t) => `- ${oneLine(t)}`).join('\n')}` : 'Top themes: no analysed comments in the period.',
    '',
    `Times in ${timeZone}. Figures count the survey's answers of these days (by UTC day).`,
    '',
  ].join('\n');

  const row = (label: string, value: string) =>
    `<tr><th align="left" valign="top" style="padding:6px 8px 6px 0;border-bottom:1px solid #e3e3e3;font-size:14px;width:34%">${escapeHtml(label)}</th><td valign="top" style="padding:6px 0;border-bottom:1px solid #e3e3e3;font-size:14px;word-break:break-word">${value}</td></tr>`;
  const figureCell = (value: number | undefined, detail: DigestFigureDetail | undefined, unit = '') =>
    value === undefined || !detail
      ? '<span style="color:#555">no answers</span>'
      : `<strong style="font-size:18px">${escapeHtml(`${value}${unit}`)}</strong> <span style="color:#555">(${escapeHtml(`${detail.low}${unit} to ${detail.high}${unit}`)}, n = ${detail.n})</span><br>${
          detail.change !== undefined
            ? `<span style="color:${detail.change < 0 ? '#b3261e' : '#35620b'}">${escapeHtml(`${signed(detail.change)}${unit ? ' pts' : ''}`)}</span> <span style="color:#555">${escapeHtml(`vs ${detail.previous}${unit} before, ${detail.significant ? 'significant' : 'not significant'}`)}</span>`
            : '<span style="color:#555">nothing to compare with before</span>'
        }`;
  const caseItems = overdue
    .map(
      (c) =>
        `<tr><td style="padding:8px 0;border-bottom:1px solid #e3e3e3"><span style="display:inline-block;padding:1px 6px;border-radius:4px;background:${SEVERITY_COLOURS[c.severity] ?? '#555555'};color:#ffffff;font-size:12px;font-weight:bold;text-transform:uppercase">${escapeHtml(c.severity)}</span> ${escapeHtml(c.touchpoint)}<br><span style="font-size:13px;color:#555">due ${escapeHtml(localTime(c.dueAt, timeZone))} · ${escapeHtml(relativeTo(c.dueAt, now))}</span></td><td align="right" style="padding:8px 0 8px 8px;border-bottom:1px solid #e3e3e3;white-space:nowrap"><a href="${escapeHtml(c.caseUrl)}" style="color:#1f5fbf;font-weight:bold">Open</a></td></tr>`,
    )
    .join('');
  const html = emailDocument(
    subject,
    `<p style="margin:0 0 4px;font-size:13px;color:#555">${escapeHtml(content.period.frequency === 'daily' ? 'Daily digest' : 'Weekly digest')}</p><h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(content.survey.name)}: ${escapeHtml(periodWords(content))}</h1>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse">${row('Responses', `<strong style="font-size:18px">${data.responses}</strong> <span style="color:#555">(before: ${data.previousResponses ?? 0})</span>`)}${row('NPS', figureCell(data.nps, data.npsDetail))}${row('CSAT (4–5 of 5)', figureCell(data.csat, data.csatDetail, ' %'))}${row('Cases opened', String(data.casesOpened))}</table>
<h2 style="font-size:16px;margin:18px 0 4px">Your cases: ${escapeHtml(casesLine)}</h2>${overdue.length ? `<p style="margin:0 0 4px;font-size:13px;color:#555">Most overdue first:</p><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse">${caseItems}</table>` : '<p style="margin:0;color:#555">None overdue.</p>'}
<h2 style="font-size:16px;margin:18px 0 4px">Top themes</h2>${
      themes.length ? `<ul style="margin:0;padding-left:20px">${themes.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>` : '<p style="margin:0;color:#555">No analysed comments in the period.</p>'
    }
<p style="font-size:12px;color:#666;margin:18px 0 0">Times in ${escapeHtml(timeZone)}. Figures count the survey's answers of these days (by UTC day); intervals are 95 %. Sent to ${escapeHtml(to)} by the survey's digest setting; each link opens the case for ${escapeHtml(to)} for 30 days.</p>`,
  );
  return { to, subject, text, html };
}
