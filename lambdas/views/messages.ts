import { SCORE_WORDS, type AlertCase } from '../domain/loop/alerts';
import { escapeHtml, SCALE_ENDS } from './html';
import type { EmailMessage } from '../domain/kernel/senders';
import type { AlertEmailContext, CaseCustomer, CaseMessages } from '../domain/loop/ports';
import { localTime } from './time';
import type { InvitationMessages } from '../domain/outreach/ports';
import { SCALES, type Survey } from '../domain/surveys/survey';
import type { Question } from '../domain/surveys/survey-schema';

/**
 * An HTML e-mail as mail clients render it: one table of at most 600 px that shrinks to the screen, inline
 * styles only, no external CSS or images.
 */
export function emailDocument(title: string, inner: string, lang = 'en'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="margin:0;padding:0;background:#ffffff"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;margin:0 auto;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a"><tr><td style="padding:12px 10px">${inner}</td></tr></table></body></html>`;
}

/** The invitation e-mail: the headline question as a row of one-click score links. */
export function invitationEmail(
  survey: Pick<Survey, 'name' | 'intro'> & Partial<Pick<Survey, 'language'>>,
  question: Question,
  to: { email: string; name?: string },
  linkFor: (score: number) => string,
  unsubscribeUrl: string,
): EmailMessage {
  const range = question.type === 'nps' ? SCALES.nps : SCALES.csat;
  const scores = Array.from({ length: range.max - range.min + 1 }, (_, i) => range.min + i);
  const [low, high] = SCALE_ENDS[question.type] ?? ['', ''];
  const greeting = to.name ? `Hello ${to.name},` : 'Hello,';
  // Equal cells in a fixed-layout table: eleven of them fit a 320 px screen, and none leaves it.
  const width = `${Math.floor(100 / scores.length)}%`;
  const cells = scores
    .map(
      (s) =>
        `<td width="${width}" align="center" style="padding:1px"><a href="${escapeHtml(linkFor(s))}" style="display:block;padding:10px 0;text-align:center;border:1px solid #1f5fbf;border-radius:4px;color:#1f5fbf;font-weight:bold;text-decoration:none;font-family:Arial,Helvetica,sans-serif">${s}</a></td>`,
    )
    .join('');
  const html = emailDocument(
    survey.name,
    `<p style="margin:0 0 12px">${escapeHtml(greeting)}</p>${survey.intro ? `<p style="margin:0 0 12px">${escapeHtml(survey.intro)}</p>` : ''}<p style="margin:0 0 8px"><strong>${escapeHtml(question.text)}</strong></p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;table-layout:fixed"><tr>${cells}</tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;margin-top:4px"><tr><td style="font-size:12px;color:#555">${escapeHtml(`${range.min}: ${low}`)}</td><td style="font-size:12px;color:#555;text-align:right">${escapeHtml(`${range.max}: ${high}`)}</td></tr></table>
<p style="font-size:13px;color:#555;margin:12px 0">Choose a number to answer; you can add a comment on the next page.</p>
<p style="font-size:12px;color:#666;margin:16px 0 0">Don't want these surveys? <a href="${escapeHtml(unsubscribeUrl)}" style="color:#555">Unsubscribe</a>.</p>`,
    survey.language,
  );
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

/** Severity as colour and word: the colour helps a scanning eye, the word carries the meaning. */
export const SEVERITY_COLOURS: Record<string, string> = { critical: '#8e0b0b', high: '#b3261e', medium: '#9a4f00', low: '#35620b', none: '#555555' };

const severityBadge = (severity: string) =>
  `<span style="display:inline-block;padding:2px 8px;border-radius:4px;background:${SEVERITY_COLOURS[severity] ?? '#555555'};color:#ffffff;font-weight:bold;font-size:13px;text-transform:uppercase">${escapeHtml(severity)}</span>`;

/** The score a subject line or an inbox row leads with: NPS, else satisfaction, else effort. */
export function headlineScore(scores: AlertCase['scores'], none = 'Alert'): string {
  if (scores.nps) return `NPS ${scores.nps.value}`;
  if (scores.csat) return `CSAT ${scores.csat.value}`;
  if (scores.ces) return `Effort ${scores.ces.value}`;
  return none;
}

/** Every score of a response in short, for lists: "NPS 2, CSAT 1, effort 6". */
export const scoresInShort = (scores: AlertCase['scores'] | undefined): string =>
  [scores?.nps && `NPS ${scores.nps.value}`, scores?.csat && `CSAT ${scores.csat.value}`, scores?.ces && `effort ${scores.ces.value}`].filter(Boolean).join(', ') || 'no score';

/** "NPS 2 · delivery · c-1042 (gold)": tells alerts apart in an inbox, and names nobody (sent mail outlives erasure). */
export function alertSubject(alert: Pick<AlertCase, 'scores' | 'touchpoint' | 'customerId' | 'segment' | 'severity'>, segment = alert.segment): string {
  return oneLine(`${headlineScore(alert.scores)} · ${alert.touchpoint} · ${alert.customerId ?? 'anonymous'}${segment ? ` (${segment})` : ''} · ${alert.severity}`);
}

const money = (value: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(value);

/** The CRM profile as label/value rows: name, segment, value, contract, last transaction, account manager. */
export function profileRows(profile: CaseCustomer | undefined, timeZone: string): [string, string][] {
  if (!profile) return [];
  const contract = profile.contractState ? `${profile.contractState}${profile.contractEndsAt ? `, ends ${profile.contractEndsAt}` : ''}` : undefined;
  const last = profile.lastTransactionAt ? `${localTime(profile.lastTransactionAt, timeZone)}${profile.lastTransactionAmount !== undefined ? ` (${money(profile.lastTransactionAmount)})` : ''}` : undefined;
  const rows: [string, string | undefined][] = [
    ['Name', profile.name],
    ['Segment', profile.segment],
    ['Lifetime value', profile.lifetimeValue !== undefined ? money(profile.lifetimeValue) : undefined],
    ['Contract', contract],
    ['Last transaction', last],
    ['Account manager', profile.accountManager],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

/** The scores in words: "Likelihood to recommend (NPS): 2, detractor". */
export function scoreRows(scores: AlertCase['scores']): [string, string][] {
  return [
    ...(scores.nps ? [[`${SCORE_WORDS.nps} (NPS)`, `${scores.nps.value} of 10, ${scores.nps.category}`] as [string, string]] : []),
    ...(scores.csat ? [[`${SCORE_WORDS.csat} (CSAT)`, `${scores.csat.value} of 5, ${scores.csat.band}`] as [string, string]] : []),
    ...(scores.ces ? [[`${SCORE_WORDS.ces} (CES)`, `${scores.ces.value} of 7, ${scores.ces.band}`] as [string, string]] : []),
  ];
}

const rowsHtml = (rows: readonly [string, string][]) =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse">${rows
    .map(([k, v]) => `<tr><th align="left" valign="top" style="padding:5px 8px 5px 0;border-bottom:1px solid #e3e3e3;font-size:14px;width:38%">${escapeHtml(k)}</th><td valign="top" style="padding:5px 0;border-bottom:1px solid #e3e3e3;font-size:14px;white-space:pre-wrap;word-break:break-word">${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`;

const button = (href: string, label: string) =>
  `<p style="margin:18px 0"><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 20px;background:#1f5fbf;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold">${escapeHtml(label)}</a></p>`;

const quoted = (text: string) =>
  `<blockquote style="white-space:pre-wrap;word-break:break-word;border-left:4px solid #1f5fbf;margin:0;padding:4px 12px;background:#f4f7fc">${escapeHtml(text)}</blockquote>`;

/**
 * The e-mail that tells a case's owner about a bad experience, with the signed link to the case: severity
 * in colour and word, the scores and the reasons in words, times in the survey's zone, and the customer's
 * CRM profile when there is one. The subject names no person; the body does (see README on what it carries).
 */
export function alertEmail(alert: AlertCase, caseUrl: string, context: AlertEmailContext = {}): EmailMessage {
  const zone = alert.timeZone ?? 'UTC';
  const segment = alert.segment ?? context.customer?.segment;
  const subject = alertSubject(alert, segment);
  const facts: [string, string][] = [
    ['Severity', alert.severity],
    ...scoreRows(alert.scores),
    ['Touchpoint', alert.touchpoint],
    ['Channel', alert.channel],
    ['Survey', alert.surveyName],
    ['Customer', alert.customerId ?? 'anonymous'],
    ['Answered', localTime(alert.createdAt, zone)],
    ...(alert.acknowledgeBy ? [['Acknowledge by', localTime(alert.acknowledgeBy, zone)] as [string, string]] : []),
    ['Resolve by', localTime(alert.dueAt, zone)],
  ];
  const profile = profileRows(context.customer, zone);
  const text = `${facts.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n')}\n\nWhy:\n${alert.reasons.map((r) => `- ${oneLine(r)}`).join('\n')}\n\n${
    profile.length ? `Customer profile:\n${profile.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n')}\n\n` : ''
  }${quotedBlock('Comment, as the customer wrote it', alert.comment)}\nOpen the case: ${caseUrl}\nCase: ${alert.id}\n`;
  const html = emailDocument(
    subject,
    `<p style="margin:0 0 6px">${severityBadge(alert.severity)}</p><h1 style="font-size:20px;margin:0 0 12px">Bad experience at ${escapeHtml(alert.touchpoint)}</h1>
<h2 style="font-size:16px;margin:16px 0 4px">Why</h2><ul style="margin:0;padding-left:20px">${alert.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>
<h2 style="font-size:16px;margin:16px 0 4px">Comment, as the customer wrote it</h2>${quoted(alert.comment ?? '(none)')}
${button(caseUrl, 'Open the case')}
<h2 style="font-size:16px;margin:16px 0 4px">What happened</h2>${rowsHtml(facts)}${profile.length ? `<h2 style="font-size:16px;margin:16px 0 4px">Customer profile</h2>${rowsHtml(profile)}` : ''}
<p style="font-size:12px;color:#666;margin:16px 0 0">Case ${escapeHtml(alert.id)}. The link opens the case for ${escapeHtml(alert.owner)} for 30 days.</p>`,
  );
  return { to: alert.owner, subject, text, html };
}

/** The notice of an escalation: which case, why, and the signed link to act on it. */
export function escalationEmail(kase: AlertCase, to: string, link: string): EmailMessage {
  const zone = kase.timeZone ?? 'UTC';
  const last = [...kase.history].reverse().find((h) => h.action === 'escalated');
  const subject = oneLine(`Escalated (level ${kase.pendingNotice ?? kase.escalationLevel}): ${alertSubject(kase)}`);
  const facts: [string, string][] = [
    ['Severity', kase.severity],
    ...scoreRows(kase.scores),
    ['Touchpoint', kase.touchpoint],
    ['Customer', kase.customerId ?? 'anonymous'],
    ['Owner', kase.owner],
    ['Status', kase.status],
    ['Opened', localTime(kase.createdAt, zone)],
    ['Resolve by', localTime(kase.dueAt, zone)],
  ];
  const text = `Case ${kase.id} was escalated: ${oneLine(last?.details ?? '')}\n\n${facts.map(([k, v]) => `${k}: ${oneLine(v)}`).join('\n')}\n\nOpen the case: ${link}\n`;
  const html = emailDocument(
    subject,
    `<p style="margin:0 0 6px">${severityBadge(kase.severity)}</p><h1 style="font-size:20px;margin:0 0 12px">A case at ${escapeHtml(kase.touchpoint)} was escalated</h1><p>${escapeHtml(last?.details ?? '')}</p>${button(link, 'Open the case')}${rowsHtml(facts)}`,
  );
  return { to, subject, text, html };
}

/** The follow-up when the customer's comment came after the alert went out: the comment, and the same link. */
export function commentEmail(kase: AlertCase, caseUrl: string): EmailMessage {
  const subject = oneLine(`Comment added: ${alertSubject(kase)}`);
  const text = `The customer of case ${kase.id} (${kase.severity}) added a comment after the alert was sent.\nCustomer: ${oneLine(kase.customerId ?? 'anonymous')}\n\n${quotedBlock('Comment, as the customer wrote it', kase.comment)}\nOpen the case: ${caseUrl}\nCase: ${kase.id}\n`;
  const html = emailDocument(
    subject,
    `<p style="margin:0 0 6px">${severityBadge(kase.severity)}</p><h1 style="font-size:20px;margin:0 0 12px">The customer added a comment</h1><p>Case ${escapeHtml(kase.id)} at ${escapeHtml(kase.touchpoint)}, customer ${escapeHtml(kase.customerId ?? 'anonymous')}: the comment came after the alert was sent.</p>${quoted(kase.comment ?? '')}${button(caseUrl, 'Open the case')}`,
  );
  return { to: kase.owner, subject, text, html };
}

/** The case e-mails, for the loop's alerting and escalation. */
export const caseMessages: CaseMessages = { alertEmail, escalationEmail, commentEmail };

/** The invitation e-mail, for outreach. */
export const invitationMessages: InvitationMessages = { invitationEmail };
