import { taxonomyOf } from '../domain/comments/themes/taxonomy';
import type { SurveyResponse } from '../domain/surveys/response';
import type { Survey } from '../domain/surveys/survey';
import type { AlertCase, CaseEvent } from '../domain/loop/alerts';
import type { CaseFile } from '../domain/loop/case-file';
import { RESOLUTION_CODES, type CaseAction } from '../domain/loop/case-requests';
import { mayTake } from '../domain/loop/cases';
import { escapeHtml, page } from './html';
import { profileRows, scoreRows, scoresInShort, SEVERITY_COLOURS } from './messages';
import { localTime, relativeTo } from './time';

const row = (label: string, value: unknown) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

const CASE_STYLE = `<style>body{max-width:48rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3}td{overflow-wrap:anywhere}
th{width:38%;font-weight:600;overflow-wrap:break-word}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;color:#fff;font-size:.85rem;font-weight:700;text-transform:uppercase}
.meta{color:#444}.met{color:#1e6b34;font-weight:600}.missed{color:#b00020;font-weight:600}.due{color:#8a4b00;font-weight:600}
form.act{margin:1rem 0;padding:1rem;border:1px solid #ccc;border-radius:.5rem}form.act label{display:block;font-weight:600;margin:.5rem 0 .25rem}
form.act input[type=email],select{box-sizing:border-box;width:100%;font-size:1rem;padding:.45rem;min-height:2.75rem}textarea{min-height:4rem}.notice{padding:.6rem 1rem;background:#e7f4ea;border-left:4px solid #1e7b34}
.problem{padding:.6rem 1rem;background:#fff4e5;border-left:4px solid #8a4b00}blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid #1f5fbf;background:#f4f7fc;white-space:pre-wrap;overflow-wrap:anywhere}
ol.events,ul.timeline{padding-left:1.1rem}ol.events li,ul.timeline li{margin:.4rem 0}nav.back{margin:0 0 1rem}nav.back a{display:inline-block;padding:.5rem 0}</style>`;

/** Who acted, in words: the stored actor ids say through which door they came. */
export function actorInWords(by: string): string {
  if (by === 'system') return 'automatically';
  if (by === 'customer') return 'the customer';
  const [door, ...rest] = by.split(':');
  const who = rest.join(':');
  if (door === 'owner') return `${who}, from the e-mail link`;
  if (door === 'dashboard') return `${who}, in the dashboard`;
  if (door === 'api-key') return `${who}, through the API`;
  return by;
}

const RESOLUTION_WORDS: Record<string, string> = {
  'resolved-with-customer': 'resolved with the customer',
  compensated: 'compensated',
  'process-fixed': 'process fixed',
  'no-action-needed': 'no action needed',
  'could-not-reach': 'could not reach the customer',
  duplicate: 'duplicate',
};

/** One history event as a sentence: "Resolved — compensated". */
export function eventInWords(event: CaseEvent): string {
  switch (event.action) {
    case 'opened':
      return 'Opened';
    case 'acknowledge':
      return 'Acknowledged';
    case 'note':
      return 'Note added';
    case 'assign':
      return `Reassigned ${event.details ?? ''}`.trim();
    case 'resolve':
      return `Resolved — ${RESOLUTION_WORDS[event.details ?? ''] ?? event.details ?? ''}`;
    case 'reopen':
      return 'Reopened';
    case 'escalated':
      return `Escalated — ${event.details ?? ''}`;
    case 'comment':
      return 'The customer added a comment';
    default:
      return `${event.action}${event.details ? `: ${event.details}` : ''}`;
  }
}

/** The acknowledge deadline, kept visible after the fact: met, missed, or how long is left. */
function acknowledgeState(alert: AlertCase, zone: string, now: Date): string {
  if (!alert.acknowledgeBy) return '';
  const when = escapeHtml(localTime(alert.acknowledgeBy, zone));
  if (alert.acknowledgedAt) {
    return alert.acknowledgedAt <= alert.acknowledgeBy
      ? `${when} · <span class="met">met</span> (acknowledged ${escapeHtml(localTime(alert.acknowledgedAt, zone))})`
      : `${when} · <span class="missed">missed</span> (acknowledged ${escapeHtml(localTime(alert.acknowledgedAt, zone))})`;
  }
  if (alert.status === 'resolved') return `${when} · resolved without an acknowledgement`;
  return alert.acknowledgeBy < now.toISOString()
    ? `${when} · <span class="missed">missed ${escapeHtml(relativeTo(alert.acknowledgeBy, now))}</span>`
    : `${when} · <span class="due">${escapeHtml(relativeTo(alert.acknowledgeBy, now))}</span>`;
}

function resolveState(alert: AlertCase, zone: string, now: Date): string {
  const when = escapeHtml(localTime(alert.dueAt, zone));
  if (alert.resolvedAt) return `${when} · <span class="${alert.resolvedAt <= alert.dueAt ? 'met">met' : 'missed">missed'}</span> (resolved ${escapeHtml(localTime(alert.resolvedAt, zone))})`;
  return alert.dueAt < now.toISOString() ? `${when} · <span class="missed">missed ${escapeHtml(relativeTo(alert.dueAt, now))}</span>` : `${when} · <span class="due">${escapeHtml(relativeTo(alert.dueAt, now))}</span>`;
}

/** Who may do what on this page: the owner's link acts on their case; a manager's session also reassigns and escalates. */
export type CaseActor = 'owner' | 'manager';

/** The actions as plain forms posting back to this page: they work without JavaScript. */
function actionForms(alert: AlertCase, actor: CaseActor): string {
  const allowed = (action: CaseAction['action']) => mayTake(alert, action);
  const forms: string[] = [];
  if (allowed('acknowledge')) {
    forms.push(`<form class="act" method="post"><input type="hidden" name="action" value="acknowledge"><button type="submit">Acknowledge: I am on it</button></form>`);
  }
  if (allowed('note')) {
    forms.push(`<form class="act" method="post"><input type="hidden" name="action" value="note"><label for="note">Add a note</label><textarea id="note" name="note" maxlength="2000" required></textarea><button type="submit">Add note</button></form>`);
  }
  if (allowed('resolve')) {
    const options = RESOLUTION_CODES.map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(RESOLUTION_WORDS[c] ?? c)}</option>`).join('');
    forms.push(
      `<form class="act" method="post"><input type="hidden" name="action" value="resolve"><label for="resolution">Resolution</label><select id="resolution" name="resolution" required>${options}</select><label for="resolve-note">What was done (optional)</label><textarea id="resolve-note" name="note" maxlength="2000"></textarea><button type="submit">Resolve the case</button></form>`,
    );
  }
  if (actor === 'manager' && allowed('assign')) {
    forms.push(
      `<form class="act" method="post"><input type="hidden" name="action" value="assign"><label for="assign-owner">Reassign to (e-mail)</label><input id="assign-owner" name="owner" type="email" required autocomplete="off"><label for="assign-note">Reason</label><textarea id="assign-note" name="note" maxlength="2000" required></textarea><button type="submit">Reassign</button></form>`,
    );
  }
  if (actor === 'manager' && allowed('escalate')) {
    forms.push(
      `<form class="act" method="post"><input type="hidden" name="action" value="escalate"><label for="escalate-to">Escalate to (e-mail)</label><input id="escalate-to" name="to" type="email" required autocomplete="off"${alert.escalateTo ? ` value="${escapeHtml(alert.escalateTo)}"` : ''}><label for="escalate-note">Reason</label><textarea id="escalate-note" name="note" maxlength="2000" required></textarea><button type="submit">Escalate</button></form>`,
    );
  }
  return forms.length ? `<h2>Act on it</h2>${forms.join('')}` : '';
}

export interface CasePageOptions {
  readonly now: Date;
  readonly actor: CaseActor;
  /** What the last action did (after its redirect). */
  readonly notice?: string;
  /** Why the last action did nothing, in words. */
  readonly problem?: string;
  /** A link back (the dashboard's inbox). */
  readonly back?: { readonly href: string; readonly label: string };
}

/** What the comment says, as the analysis read it: sentiment, then each theme with the tone of its clause. */
function commentRows(response: SurveyResponse, survey: Survey | undefined): string {
  const analysis = response.analysis?.revision === response.revision ? response.analysis : undefined;
  if (!analysis) return response.analysisOwed ? row('What the comment says', 'not read yet') : '';
  if (!analysis.sentiment) return row('What the comment says', `written in "${analysis.language ?? 'an unknown language'}", which the analyzer does not read`);
  const taxonomy = taxonomyOf(survey?.themeSet);
  const label = (id: string) => taxonomy.themes.find((t) => t.id === id)?.label ?? id;
  const themes = analysis.themes.map((id) => `${label(id)} (${analysis.themeSentiments[id] ?? analysis.sentiment})`).join(', ');
  return `${row('Sentiment', `${analysis.sentiment} (${analysis.score?.toFixed(2)})`)}${row('Themes', themes || 'none of the taxonomy (unassigned)')}`;
}

/**
 * The case page: the customer and their CRM profile, the deadlines (met, missed or how long is left), why
 * it was raised, the answers, the customer's earlier responses, the history in words, and the actions.
 * Times are in the survey's zone, named. Every value is escaped; the page carries no script.
 */
export function casePage(file: CaseFile, options: CasePageOptions): string {
  const { alert, response, survey, customer } = file;
  const zone = alert.timeZone ?? survey?.timeZone ?? 'UTC';
  const answers = Object.entries(response?.answers ?? {}).map(([id, value]) => {
    const question = survey?.questions.find((q) => q.id === id);
    return question?.type === 'text'
      ? `<tr><th scope="row">${escapeHtml(question.text)}</th><td><blockquote>${escapeHtml(value)}</blockquote></td></tr>`
      : row(question?.text ?? id, value);
  });
  const history = [...alert.history]
    .reverse()
    .map((h) => `<li><strong>${escapeHtml(eventInWords(h))}</strong> · ${escapeHtml(actorInWords(h.by))}<br><time datetime="${escapeHtml(h.at)}" class="meta">${escapeHtml(localTime(h.at, zone))}</time>${h.note ? `<blockquote>${escapeHtml(h.note)}</blockquote>` : ''}</li>`);
  const timeline = file.timeline.map(
    (t) =>
      `<li><time datetime="${escapeHtml(t.at)}">${escapeHtml(localTime(t.at, zone))}</time> · ${escapeHtml(t.touchpoint)} · ${escapeHtml(t.channel)} · <strong>${escapeHtml(scoresInShort(t.scores))}</strong>${t.caseStatus ? ` · case ${escapeHtml(t.caseStatus)}` : ''}</li>`,
  );
  const profile = profileRows(customer, zone);
  const colour = SEVERITY_COLOURS[alert.severity] ?? '#555';
  return page(
    `Case: ${alert.touchpoint}, ${alert.customerId ?? 'anonymous'}`,
    `${CASE_STYLE}${options.back ? `<nav class="back"><a href="${escapeHtml(options.back.href)}">← ${escapeHtml(options.back.label)}</a></nav>` : ''}${
      options.notice ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>` : ''
    }${options.problem ? `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>` : ''}<h1>Bad experience at ${escapeHtml(alert.touchpoint)}</h1>
<p><span class="badge" style="background:${colour}">${escapeHtml(alert.severity)}</span> <span class="meta">${escapeHtml(alert.surveyName)} · ${escapeHtml(alert.status)} · case ${escapeHtml(alert.id)}</span></p>
<h2>Why this case was opened</h2><ul>${alert.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<table>${scoreRows(alert.scores).map(([k, v]) => row(k, v)).join('')}</table>
<h2>Customer</h2><table>${row('Customer', alert.customerId ?? 'anonymous')}${profile.map(([k, v]) => row(k, v)).join('')}${row('Channel', alert.channel)}${row('Answered', localTime(response?.submittedAt ?? alert.createdAt, zone))}</table>
${alert.customerId && !customer ? '<p class="meta">No CRM profile for this customer.</p>' : ''}
<h2>Deadlines and owner</h2><table>${alert.acknowledgeBy ? `<tr><th scope="row">Acknowledge by</th><td>${acknowledgeState(alert, zone, options.now)}</td></tr>` : ''}<tr><th scope="row">Resolve by</th><td>${resolveState(alert, zone, options.now)}</td></tr>${alert.team ? row('Team', alert.team) : ''}${row('Owner', alert.owner)}${
      alert.escalationLevel ? row('Escalated', `level ${alert.escalationLevel}${alert.escalateTo ? ` to ${alert.escalateTo}` : ''}`) : ''
    }</table>
<h2>Answers</h2><table>${answers.join('') || row('Answers', 'no longer available')}${response ? commentRows(response, survey) : ''}</table>
<h2>Earlier responses of this customer</h2>${timeline.length ? `<ul class="timeline">${timeline.join('')}</ul>` : '<p>None.</p>'}
<h2>History</h2><ol class="events" reversed>${history.join('')}</ol>${actionForms(alert, options.actor)}`,
  );
}
