import type { AlertCase } from '../domain/loop/alerts';
import { RESOLUTION_CODES } from '../domain/loop/case-requests';
import { escapeHtml, page } from './html';
import type { SurveyResponse } from '../domain/surveys/response';
import type { Survey } from '../domain/surveys/survey';

const row = (label: string, value: unknown) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

const CASE_STYLE = `<style>table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3}
th{width:11rem;font-weight:600}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#b00020;color:#fff;font-size:.85rem;text-transform:uppercase}
form{margin:1rem 0;padding:1rem;border:1px solid #ccc;border-radius:.5rem}label{display:block;font-weight:600;margin:.5rem 0 .25rem}
textarea{width:100%;min-height:4rem}select{font-size:1rem;padding:.3rem}.notice{padding:.6rem 1rem;background:#e7f4ea;border-left:4px solid #1e7b34}
blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #1f5fbf;background:#f4f7fc;white-space:pre-wrap}</style>`;

/**
 * The read-only case page the owner's e-mail links to: the customer, the answers with their questions,
 * why it was raised, the history, and forms to acknowledge, note and resolve. Every value is escaped; the
 * page carries no script.
 */
/** The owner's actions as plain forms posting back to this page: they work without JavaScript. */
function actionForms(alert: AlertCase): string {
  const allowed = (action: string) =>
    ({ acknowledge: ['open', 'escalated'], note: ['open', 'acknowledged', 'escalated', 'resolved'], resolve: ['open', 'acknowledged', 'escalated'] })[action]!.includes(alert.status);
  const forms: string[] = [];
  if (allowed('acknowledge')) {
    forms.push(`<form method="post"><input type="hidden" name="action" value="acknowledge"><button type="submit">Acknowledge: I am on it</button></form>`);
  }
  if (allowed('note')) {
    forms.push(`<form method="post"><input type="hidden" name="action" value="note"><label for="note">Add a note</label><textarea id="note" name="note" maxlength="2000" required></textarea><button type="submit">Add note</button></form>`);
  }
  if (allowed('resolve')) {
    const options = RESOLUTION_CODES.map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c.replace(/-/g, ' '))}</option>`).join('');
    forms.push(
      `<form method="post"><input type="hidden" name="action" value="resolve"><label for="resolution">Resolution</label><select id="resolution" name="resolution" required>${options}</select><label for="resolve-note">What was done (optional)</label><textarea id="resolve-note" name="note" maxlength="2000"></textarea><button type="submit">Resolve the case</button></form>`,
    );
  }
  return forms.length ? `<h2>Act on it</h2>${forms.join('')}` : '';
}

export function casePage(alert: AlertCase, response: SurveyResponse | undefined, survey: Pick<Survey, 'questions'> | undefined, notice = ''): string {
  const answers = Object.entries(response?.answers ?? {}).map(([id, value]) => {
    const question = survey?.questions.find((q) => q.id === id);
    return question?.type === 'text'
      ? `<tr><th scope="row">${escapeHtml(question.text)}</th><td><blockquote>${escapeHtml(value)}</blockquote></td></tr>`
      : row(question?.text ?? id, value);
  });
  const history = alert.history.map(
    (h) =>
      `<li><time datetime="${escapeHtml(h.at)}">${escapeHtml(h.at)}</time> — ${escapeHtml(h.action)}${h.details ? `: ${escapeHtml(h.details)}` : ''} (${escapeHtml(h.by)})${h.note ? `<blockquote>${escapeHtml(h.note)}</blockquote>` : ''}</li>`,
  );
  return page(
    `Case ${alert.id}`,
    `${CASE_STYLE}${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}<h1>Bad experience at ${escapeHtml(alert.touchpoint)}</h1>
<p><span class="badge">${escapeHtml(alert.severity)}</span> ${escapeHtml(alert.surveyName)} · case ${escapeHtml(alert.id)} · ${escapeHtml(alert.status)}</p>
<h2>Customer</h2><table>${row('Customer', alert.customerId ?? 'anonymous')}${row('Channel', alert.channel)}${row('Answered', response?.submittedAt ?? alert.createdAt)}${alert.acknowledgeBy && alert.status === 'open' ? row('Acknowledge by', alert.acknowledgeBy) : ''}${row('Resolve by', alert.dueAt)}${alert.team ? row('Team', alert.team) : ''}${row('Owner', alert.owner)}</table>
<h2>Why this case was opened</h2><ul>${alert.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<h2>Answers</h2><table>${answers.join('') || row('Answers', 'no longer available')}</table>
<h2>History</h2><ul>${history.join('')}</ul>${actionForms(alert)}`,
  );
}
