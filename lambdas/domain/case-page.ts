import type { AlertCase } from './alerts';
import { escapeHtml, page } from './html';
import type { SurveyResponse } from './response';
import type { Survey } from './survey';

const row = (label: string, value: unknown) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

const CASE_STYLE = `<style>table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3}
th{width:11rem;font-weight:600}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#b00020;color:#fff;font-size:.85rem;text-transform:uppercase}
blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #1f5fbf;background:#f4f7fc;white-space:pre-wrap}</style>`;

/**
 * The read-only case page the owner's e-mail links to: the customer, the answers with their questions,
 * why it was raised, and the history. Every value is escaped; the page carries no script.
 */
export function casePage(alert: AlertCase, response: SurveyResponse | undefined, survey: Pick<Survey, 'questions'> | undefined): string {
  const answers = Object.entries(response?.answers ?? {}).map(([id, value]) => {
    const question = survey?.questions.find((q) => q.id === id);
    return question?.type === 'text'
      ? `<tr><th scope="row">${escapeHtml(question.text)}</th><td><blockquote>${escapeHtml(value)}</blockquote></td></tr>`
      : row(question?.text ?? id, value);
  });
  const history = alert.history.map((h) => `<li><time datetime="${escapeHtml(h.at)}">${escapeHtml(h.at)}</time> — ${escapeHtml(h.action)} (${escapeHtml(h.by)})</li>`);
  return page(
    `Case ${alert.id}`,
    `${CASE_STYLE}<h1>Bad experience at ${escapeHtml(alert.touchpoint)}</h1>
<p><span class="badge">${escapeHtml(alert.severity)}</span> ${escapeHtml(alert.surveyName)} · case ${escapeHtml(alert.id)} · ${escapeHtml(alert.status)}</p>
<h2>Customer</h2><table>${row('Customer', alert.customerId ?? 'anonymous')}${row('Channel', alert.channel)}${row('Answered', response?.submittedAt ?? alert.createdAt)}${row('Respond by', alert.dueAt)}</table>
<h2>Why this case was opened</h2><ul>${alert.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<h2>Answers</h2><table>${answers.join('') || row('Answers', 'no longer available')}</table>
<h2>History</h2><ul>${history.join('')}</ul>`,
  );
}
