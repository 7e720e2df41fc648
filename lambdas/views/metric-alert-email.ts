import type { EmailMessage } from '../domain/kernel/senders';
import type { MetricAlert } from '../domain/insight/metric-watch';
import { escapeHtml } from './html';
import { emailDocument } from './messages';

/**
 * The owner's e-mail about a metric alert: what fell (or went silent) where, the two periods' figures in
 * words, and a link to the dashboard over both periods. Plain: one column of short rows, no images, readable
 * on a phone.
 */

const signed = (points: number) => (points > 0 ? `+${points}` : points < 0 ? `\u2212${Math.abs(points)}` : '0');
const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

/** Where the alert is: "touchpoint delivery" or "channel sms". */
export const metricAlertPlace = (alert: Pick<MetricAlert, 'touchpoint' | 'channel'>) => (alert.touchpoint !== undefined ? `touchpoint ${alert.touchpoint}` : `channel ${alert.channel}`);

const figure = (alert: MetricAlert, value: number) => (alert.metric === 'nps' ? signed(value) : alert.metric === 'csat' ? `${value}%` : `${value}`);
const range = (r: MetricAlert['window']) => (r.from === r.to ? r.from : `${r.from} to ${r.to}`);

/** The alert in one line: "NPS fell at touchpoint delivery: −10, was +30". */
export function metricAlertHeadline(alert: MetricAlert): string {
  const place = metricAlertPlace(alert);
  if (alert.kind === 'silence') return oneLine(`No answers at ${place} on ${alert.window.from}`);
  const what = alert.metric === 'nps' ? 'NPS' : 'CSAT';
  return oneLine(`${what} fell at ${place}: ${figure(alert, alert.value)}, was ${figure(alert, alert.baseline)}`);
}

/** The figures as label/value rows, for the e-mail and the chat card. */
export function metricAlertFacts(alert: MetricAlert): [string, string][] {
  const rows: [string, string][] = [
    ['Survey', alert.surveyName],
    [alert.touchpoint !== undefined ? 'Touchpoint' : 'Channel', (alert.touchpoint ?? alert.channel)!],
  ];
  if (alert.kind === 'silence') {
    rows.push(['Answers', `${alert.value} on ${alert.window.from}`], ['Usually', `about ${alert.baseline} a day (mean of ${range(alert.baselineWindow)})`]);
  } else {
    const what = alert.metric === 'nps' ? 'NPS' : 'CSAT (4 or 5 of 5)';
    rows.push(
      [`${what}, last 7 days`, `${figure(alert, alert.value)} from ${alert.n} answers (${range(alert.window)})`],
      [`${what}, 28 days before`, `${figure(alert, alert.baseline)} from ${alert.baselineN} answers (${range(alert.baselineWindow)})`],
      ['Change', `${signed(Math.round((alert.value - alert.baseline) * 10) / 10)} ${alert.metric === 'nps' ? 'points' : 'percentage points'}`],
    );
    if (alert.pValue !== undefined) rows.push(['Likelihood by chance alone', alert.pValue < 0.001 ? 'below 0.1%' : `${(alert.pValue * 100).toFixed(1)}%`]);
  }
  return rows;
}

export function metricAlertEmail(alert: MetricAlert, to: string, dashboardUrl: string): EmailMessage {
  const subject = `Metric alert: ${metricAlertHeadline(alert)} (${oneLine(alert.surveyName)})`;
  const facts = metricAlertFacts(alert);
  const once = 'You get this once: nothing more while it lasts, and a new e-mail only if it recovers and happens again.';
  const text = `${metricAlertHeadline(alert)}\n\n${facts.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n')}\n\n${once}\n\nDashboard: ${dashboardUrl}\n`;
  const rows = facts
    .map(([k, v]) => `<tr><th align="left" valign="top" style="padding:6px 8px 6px 0;border-bottom:1px solid #e3e3e3;font-size:14px;width:40%">${escapeHtml(k)}</th><td valign="top" style="padding:6px 0;border-bottom:1px solid #e3e3e3;font-size:14px;word-break:break-word">${escapeHtml(v)}</td></tr>`)
    .join('');
  const html = emailDocument(
    subject,
    `<h1 style="font-size:19px;margin:0 0 12px">${escapeHtml(metricAlertHeadline(alert))}</h1>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse">${rows}</table>
<p style="margin:18px 0"><a href="${escapeHtml(dashboardUrl)}" style="display:inline-block;padding:12px 20px;background:#1f5fbf;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold">Open the dashboard</a></p>
<p style="font-size:13px;color:#555;margin:12px 0 0">${escapeHtml(once)}</p>`,
  );
  return { to, subject, text, html };
}
