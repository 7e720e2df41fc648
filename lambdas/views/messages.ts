import type { AlertCase } from '../domain/loop/alerts';
import { escapeHtml, SCALE_ENDS } from './html';
import type { EmailMessage } from '../domain/kernel/senders';
import type { CaseMessages } from '../domain/loop/ports';
import type { InvitationMessages } from '../domain/outreach/ports';
import { SCALES, type Survey } from '../domain/surveys/survey';
import type { Question } from '../domain/surveys/survey-schema';

/** The invitation e-mail: the headline question as a row of one-click score links. */
export function invitationEmail(
  survey: Pick<Survey, 'name' | 'intro'>,
  question: Question,
  to: { email: string; name?: string },
  linkFor: (score: number) => string,
  unsubscribeUrl: string,
): EmailMessage {
  const range = question.type === 'nps' ? SCALES.nps : SCALES.csat;
  const scores = Array.from({ length: range.max - range.min + 1 }, (_, i) => range.min + i);
  const [low, high] = SCALE_ENDS[question.type] ?? ['', ''];
  const greeting = to.name ? `Hello ${to.name},` : 'Hello,';
  const cells = scores
    .map(
      (s) =>
        `<td style="padding:2px"><a href="${escapeHtml(linkFor(s))}" style="display:inline-block;min-width:28px;padding:8px 4px;text-align:center;border:1px solid #1f5fbf;border-radius:4px;color:#1f5fbf;text-decoration:none;font-family:sans-serif">${s}</a></td>`,
    )
    .join('');
  const html = `<div style="font-family:sans-serif;max-width:600px"><p>${escapeHtml(greeting)}</p>${
    survey.intro ? `<p>${escapeHtml(survey.intro)}</p>` : ''
  }<p><strong>${escapeHtml(question.text)}</strong></p><table role="presentation"><tr>${cells}</tr></table>
<table role="presentation" width="100%"><tr><td style="font-size:12px;color:#555">${escapeHtml(low)}</td><td style="font-size:12px;color:#555;text-align:right">${escapeHtml(high)}</td></tr></table>
<p style="font-size:12px;color:#555">Choose a number to answer; you can add a comment on the next page.</p>
<p style="font-size:11px;color:#777">Don't want these surveys? <a href="${escapeHtml(unsubscribeUrl)}" style="color:#777">Unsubscribe</a>.</p></div>`;
  const text = `${greeting}\n\n${survey.intro ? survey.intro + '\n\n' : ''}${question.text}\n(${range.min} = ${low}, ${range.max} = ${high})\n\n${scores
    .map((s) => `${s}: ${linkFor(s)}`)
    .join('\n')}\n\nDon't want these surveys? Unsubscribe: ${unsubscribeUrl}\n`;
  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the URL.
  const headers = [
    { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
  return { to: to.email, subject: survey.name, text, html, headers };
}

/** A field value on one line: whatever it holds, it cannot start a line of its own. */
const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

/**
 * Customer free text in a plain-text e-mail: between rulers, every line quoted with "> ", so nothing the
 * customer wrote can pass for a field or a link of the message itself.
 */
export function quotedBlock(title: string, text: string | undefined): string {
  const ruler = '-'.repeat(60);
  const lines = (text ?? '(none)').split(/\r\n|[\n\r\u2028\u2029]/).map((line) => `> ${oneLine(line)}`);
  return `${title}:\n${ruler}\n${lines.join('\n')}\n${ruler}\n`;
}

/** The e-mail that tells a case's owner about a bad experience, with the signed link to the case. */
export function alertEmail(alert: AlertCase, caseUrl: string): EmailMessage {
  const rows: [string, string][] = [
    ['Severity', alert.severity],
    ['Survey', alert.surveyName],
    ['Touchpoint', alert.touchpoint],
    ['Channel', alert.channel],
    ['Customer', alert.customerId ?? 'anonymous'],
    ...(alert.scores.nps ? [['NPS', `${alert.scores.nps.value} (${alert.scores.nps.category})`] as [string, string]] : []),
    ...(alert.scores.csat ? [['CSAT', `${alert.scores.csat.value} (${alert.scores.csat.band})`] as [string, string]] : []),
    ...(alert.scores.ces ? [['Effort (CES)', `${alert.scores.ces.value} (${alert.scores.ces.band})`] as [string, string]] : []),
    ['Why', alert.reasons.join('; ')],
    ['Respond by', alert.dueAt],
  ];
  const subject = `[${alert.severity.toUpperCase()}] Bad experience at ${alert.touchpoint}: ${alert.surveyName}`;
  const text = `${rows.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n')}\n\n${quotedBlock('Comment, as the customer wrote it', alert.comment)}\nOpen the case: ${caseUrl}\nCase: ${alert.id}\n`;
  const html = `<div style="font-family:sans-serif;max-width:640px"><h2>${escapeHtml(subject)}</h2><table cellpadding="4">${rows
    .map(([k, v]) => `<tr><th align="left" valign="top">${escapeHtml(k)}</th><td style="white-space:pre-wrap">${escapeHtml(v)}</td></tr>`)
    .join('')}</table><h3>Comment, as the customer wrote it</h3><blockquote style="white-space:pre-wrap;border-left:4px solid #1f5fbf;margin:0;padding:4px 12px">${escapeHtml(alert.comment ?? '(none)')}</blockquote><p><a href="${escapeHtml(caseUrl)}">Open the case</a> · case ${escapeHtml(alert.id)}</p></div>`;
  return { to: alert.owner, subject, text, html };
}

/** The notice of an escalation: which case, why, and the signed link to act on it. */
export function escalationEmail(kase: AlertCase, to: string, link: string): EmailMessage {
  const last = [...kase.history].reverse().find((h) => h.action === 'escalated');
  const subject = `[ESCALATED L${kase.pendingNotice ?? kase.escalationLevel}] ${kase.severity} case at ${kase.touchpoint}: ${kase.surveyName}`;
  const text = `Case ${kase.id} was escalated: ${last?.details ?? ''}\nOwner: ${kase.owner}\nStatus: ${kase.status}\nOpened: ${kase.createdAt}\n\nOpen the case: ${link}\n`;
  const html = `<div style="font-family:sans-serif;max-width:640px"><h2>${escapeHtml(subject)}</h2><p>${escapeHtml(last?.details ?? '')}</p><p>Owner: ${escapeHtml(kase.owner)} · status ${escapeHtml(kase.status)}</p><p><a href="${escapeHtml(link)}">Open the case</a></p></div>`;
  return { to, subject, text, html };
}

/** The follow-up when the customer's comment came after the alert went out: the comment, and the same link. */
export function commentEmail(kase: AlertCase, caseUrl: string): EmailMessage {
  const subject = `[COMMENT] The customer added a comment: ${kase.surveyName}, ${kase.touchpoint}`;
  const text = `The customer of case ${kase.id} (${kase.severity}) added a comment after the alert was sent.\nCustomer: ${oneLine(kase.customerId ?? 'anonymous')}\n\n${quotedBlock('Comment, as the customer wrote it', kase.comment)}\nOpen the case: ${caseUrl}\nCase: ${kase.id}\n`;
  const html = `<div style="font-family:sans-serif;max-width:640px"><h2>${escapeHtml(subject)}</h2><p>The customer of case ${escapeHtml(kase.id)} (${escapeHtml(kase.severity)}) added a comment after the alert was sent. Customer: ${escapeHtml(kase.customerId ?? 'anonymous')}.</p><blockquote style="white-space:pre-wrap;border-left:4px solid #1f5fbf;margin:0;padding:4px 12px">${escapeHtml(kase.comment ?? '')}</blockquote><p><a href="${escapeHtml(caseUrl)}">Open the case</a> · case ${escapeHtml(kase.id)}</p></div>`;
  return { to: kase.owner, subject, text, html };
}

/** The case e-mails, for the loop's alerting and escalation. */
export const caseMessages: CaseMessages = { alertEmail, escalationEmail, commentEmail };

/** The invitation e-mail, for outreach. */
export const invitationMessages: InvitationMessages = { invitationEmail };
