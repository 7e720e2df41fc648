import { SCORE_WORDS, type AlertCase } from '../domain/loop/alerts';
import { firstCharacters, MAX_EVENT_COMMENT, type DigestData } from '../domain/destinations/events';
import { SCALES } from '../domain/surveys/survey';
import type { SurveyResponse } from '../domain/surveys/response';
import type { ResponseScores } from '../domain/surveys/scores';
import { localTime } from './time';
import type { MetricAlert } from '../domain/insight/metric-watch';
import { metricAlertFacts, metricAlertHeadline } from './metric-alert-email';

/**
 * A case as a chat message: Slack Block Kit for an incoming webhook, and an Adaptive Card for a Teams
 * Workflows webhook. The comment is the customer's text: in Slack it is escaped (&, <, >: no mention, no
 * link of its own) and marked verbatim (no auto-linking); in Teams its markdown is escaped. Both hold the
 * signed case URL as their one button.
 */

/** Slack's limits (api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, fieldText: 2000, buttonUrl: 3000, fallbackText: 3000 } as const;

const SEVERITY_WORDS = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', none: 'None' } as const;

/**
 * Text as a chat client should show it: control characters (but line breaks and tabs) and bidirectional
 * overrides removed, so a comment can neither reorder what follows it nor ring a terminal's bell.
 */
export function plainText(text: string): string {
  return text.replace(/[\u2028\u2029]/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** `&`, `<` and `>` as Slack's mrkdwn wants them, so `<!channel>` or `<https://x|y>` stay text. */
export function escapeSlack(text: string): string {
  return plainText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text cut to at most `max` characters (UTF-16 units, as the APIs count), ending with … when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/**
 * A comment as a Slack quote within `max` characters: escaped, every line starting with `>` (a newline cannot
 * end the quote), cut between characters, never inside an entity.
 */
export function slackQuote(comment: string, max: number): string {
  let out = '>';
  for (const char of plainText(comment.replace(/\r\n?/g, '\n'))) {
    const piece = char === '\n' ? '\n>' : escapeSlack(char);
    if (out.length + piece.length > max - 1) return `${out}…`;
    out += piece;
  }
  return out;
}

function scoreLine(scores: ResponseScores): string {
  const parts = [
    scores.nps && `${SCORE_WORDS.nps}: ${scores.nps.value}/${SCALES.nps.max}`,
    scores.csat && `${SCORE_WORDS.csat}: ${scores.csat.value}/${SCALES.csat.max}`,
    scores.ces && `${SCORE_WORDS.ces}: ${scores.ces.value}/${SCALES.ces.max}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}

function headline(alert: AlertCase): string {
  return `${SEVERITY_WORDS[alert.severity]} case: ${alert.surveyName}`;
}

function facts(alert: AlertCase): Array<[string, string]> {
  return [
    ['Score', scoreLine(alert.scores)],
    ['Touchpoint', `${alert.touchpoint} (${alert.channel})`],
    ['Customer', alert.customerId ?? 'anonymous'],
    ['Severity', SEVERITY_WORDS[alert.severity]],
    ['Due', localTime(alert.dueAt, alert.timeZone)],
  ];
}

interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
  readonly verbatim?: boolean;
}
export interface SlackMessage {
  readonly text: string;
  readonly unfurl_links: false;
  readonly unfurl_media: false;
  readonly blocks: ReadonlyArray<Record<string, unknown> & { readonly type: string }>;
}

/** What a chat message shows: a headline, facts, an optional quote (the customer's words), one button. */
export interface ChatCard {
  readonly headline: string;
  readonly facts: ReadonlyArray<readonly [string, string]>;
  readonly quote?: string;
  /** The one link (the signed case page); none where there is nothing to open without signing in. */
  readonly button?: { readonly text: string; readonly url: string };
}

/** A case as a chat card: score, touchpoint, customer, severity, due time, the comment, and the signed case page. */
export function caseCard(alert: AlertCase, caseUrl: string): ChatCard {
  return { headline: headline(alert), facts: facts(alert), ...(alert.comment && { quote: alert.comment }), button: { text: 'Open the case', url: caseUrl } };
}

/** A completed response as a chat card: its scores, touchpoint, channel, customer and comment. */
export function responseCard(response: SurveyResponse, comment: string | undefined): ChatCard {
  const scores = response.scores;
  return {
    headline: `New response: ${response.touchpoint}`,
    facts: [
      ['Score', scores ? scoreLine(scores) : '—'],
      ['Touchpoint', `${response.touchpoint} (${response.channel})`],
      ['Customer', response.customerId ?? 'anonymous'],
      ...(scores ? [['Severity', SEVERITY_WORDS[scores.severity]] as const] : []),
      ['Answered', localTime(response.submittedAt)],
    ],
    ...(comment && { quote: comment }),
  };
}

/** A card as a Slack incoming-webhook body. */
export function slackMessage(card: ChatCard, summary = card.headline): SlackMessage {
  const mrkdwn = (text: string, max: number): SlackText => ({ type: 'mrkdwn', text: clip(text, max), verbatim: true });
  const fields = card.facts.map(([name, value]) => mrkdwn(`*${escapeSlack(name)}*\n${escapeSlack(value)}`, SLACK_LIMITS.fieldText));
  const blocks: SlackMessage['blocks'] = [
    { type: 'header', text: { type: 'plain_text', text: clip(plainText(card.headline), SLACK_LIMITS.headerText), emoji: false } },
    // Slack allows at most 10 fields in a section.
    ...Array.from({ length: Math.ceil(fields.length / 10) }, (_, i) => ({ type: 'section', fields: fields.slice(i * 10, i * 10 + 10) })),
    ...(card.quote ? [{ type: 'section', text: { type: 'mrkdwn', text: slackQuote(card.quote, SLACK_LIMITS.sectionText), verbatim: true } }] : []),
    ...(card.button
      ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: card.button.text, emoji: false }, url: card.button.url, style: 'primary', action_id: 'open' }] }]
      : []),
  ];
  // The notification's text (and what clients without blocks show): escaped, no quote.
  return { text: clip(escapeSlack(summary), SLACK_LIMITS.fallbackText), unfurl_links: false, unfurl_media: false, blocks };
}

/** The Slack incoming-webhook body of a case. */
export function slackCaseMessage(alert: AlertCase, caseUrl: string): SlackMessage {
  return slackMessage(caseCard(alert, caseUrl), `${headline(alert)} — ${scoreLine(alert.scores)}`);
}

/**
 * Text for an Adaptive Card TextBlock or FactSet, which render a subset of markdown: every markdown
 * punctuation mark backslash-escaped, so a comment's `[click](https://…)` or `**` shows as typed. `{{` is
 * broken too (the cards' date/time functions).
 */
export function escapeTeams(text: string): string {
  return plainText(text).replace(/[\\`*_{}[\]()#+\-.!|~<>]/g, '\\$&');
}

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: ReadonlyArray<{
    readonly contentType: 'application/vnd.microsoft.card.adaptive';
    readonly contentUrl: null;
    readonly content: {
      readonly $schema: string;
      readonly type: 'AdaptiveCard';
      readonly version: '1.4';
      readonly body: ReadonlyArray<Record<string, unknown>>;
      readonly actions: ReadonlyArray<{ readonly type: 'Action.OpenUrl'; readonly title: string; readonly url: string }>;
    };
  }>;
}

/** A card as the body of a Teams Workflows webhook ("post to a channel when a webhook request is received"). */
export function teamsMessage(card: ChatCard): TeamsMessage {
  const quote = card.quote ? firstCharacters(card.quote, MAX_EVENT_COMMENT) : undefined;
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: escapeTeams(card.headline), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
    { type: 'FactSet', facts: card.facts.map(([title, value]) => ({ title: escapeTeams(title), value: escapeTeams(value) })) },
  ];
  if (quote) {
    body.push({
      type: 'Container',
      style: 'emphasis',
      items: [{ type: 'TextBlock', text: escapeTeams(quote.text + (quote.truncated ? '…' : '')), wrap: true, isSubtle: false }],
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: card.button ? [{ type: 'Action.OpenUrl', title: card.button.text, url: card.button.url }] : [],
        },
      },
    ],
  };
}

/** The body of a Teams Workflows webhook for a case. */
export function teamsCaseCard(alert: AlertCase, caseUrl: string): TeamsMessage {
  return teamsMessage(caseCard(alert, caseUrl));
}

/** A card as the destination's type wants it. */
export const chatMessage = (type: 'slack' | 'teams', card: ChatCard): SlackMessage | TeamsMessage => (type === 'slack' ? slackMessage(card) : teamsMessage(card));

/** A metric alert as a chat card: what fell or went silent, where, the two periods' figures, and the dashboard. */
export function metricAlertCard(alert: MetricAlert, dashboardUrl: string): ChatCard {
  return { headline: metricAlertHeadline(alert), facts: metricAlertFacts(alert), button: { text: 'Open the dashboard', url: dashboardUrl } };
}

/** A survey's digest as a chat card: responses, NPS and CSAT with their change, open and overdue cases, top themes; the most overdue case as its button. */
export function digestCard(data: DigestData): ChatCard {
  const signed = (v: number) => (v > 0 ? `+${v}` : String(v));
  const figure = (value: number | undefined, detail: DigestData['npsDetail'], unit = '') =>
    value === undefined || !detail ? 'no answers' : `${value}${unit} (${detail.low}–${detail.high}${unit}, n ${detail.n})${detail.change !== undefined ? `, ${signed(detail.change)} vs before` : ''}`;
  const period = data.frequency === 'weekly' ? `week ${data.key ?? data.period.from}` : data.period.from;
  const top = data.mostOverdue?.[0];
  return {
    headline: `${data.frequency === 'weekly' ? 'Weekly' : 'Daily'} digest: ${data.surveyName ?? data.surveyId ?? 'survey'}, ${period}`,
    facts: [
      ['Responses', String(data.responses)],
      ['NPS', figure(data.nps, data.npsDetail)],
      ['CSAT', figure(data.csat, data.csatDetail, ' %')],
      ['Open cases', `${data.casesOpen ?? 0} (${data.casesOverdue} overdue)`],
      ['Top themes', data.topThemes?.length ? data.topThemes.map((t) => `${t.label} (${t.mentions})`).join(', ') : '—'],
    ],
    ...(top && { button: { text: 'Open the most overdue case', url: top.caseUrl } }),
  };
}
