import { SCORE_WORDS, type AlertCase } from '../domain/loop/alerts';
import { firstCharacters, MAX_EVENT_COMMENT } from '../domain/destinations/events';
import { SCALES } from '../domain/surveys/survey';
import { localTime } from './time';

/**
 * A case as a chat message: Slack Block Kit for an incoming webhook, and an Adaptive Card for a Teams
 * Workflows webhook. The comment is the customer's text: in Slack it is escaped (&, <, >: no mention, no
 * link of its own) and marked verbatim (no auto-linking); in Teams its markdown is escaped. Both hold the
 * signed case URL as their one button.
 */

/** Slack's limits (api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, fieldText: 2000, buttonUrl: 3000, fallbackText: 3000 } as const;

const SEVERITY_WORDS = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', none: 'None' } as const;

/** `&`, `<` and `>` as Slack's mrkdwn wants them, so `<!channel>` or `<https://x|y>` stay text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  for (const char of comment.replace(/\r\n?/g, '\n')) {
    const piece = char === '\n' ? '\n>' : escapeSlack(char);
    if (out.length + piece.length > max - 1) return `${out}…`;
    out += piece;
  }
  return out;
}

function scoreLine(alert: AlertCase): string {
  const parts = [
    alert.scores.nps && `${SCORE_WORDS.nps}: ${alert.scores.nps.value}/${SCALES.nps.max}`,
    alert.scores.csat && `${SCORE_WORDS.csat}: ${alert.scores.csat.value}/${SCALES.csat.max}`,
    alert.scores.ces && `${SCORE_WORDS.ces}: ${alert.scores.ces.value}/${SCALES.ces.max}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}

function headline(alert: AlertCase): string {
  return `${SEVERITY_WORDS[alert.severity]} case: ${alert.surveyName}`;
}

function facts(alert: AlertCase): Array<[string, string]> {
  return [
    ['Score', scoreLine(alert)],
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

/** The Slack incoming-webhook body of a case. */
export function slackCaseMessage(alert: AlertCase, caseUrl: string): SlackMessage {
  const mrkdwn = (text: string, max: number): SlackText => ({ type: 'mrkdwn', text: clip(text, max), verbatim: true });
  const fields = facts(alert).map(([name, value]) => mrkdwn(`*${name}*\n${escapeSlack(value)}`, SLACK_LIMITS.fieldText));
  const blocks: SlackMessage['blocks'] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline(alert), SLACK_LIMITS.headerText), emoji: false } },
    { type: 'section', fields },
    ...(alert.comment ? [{ type: 'section', text: { type: 'mrkdwn', text: slackQuote(alert.comment, SLACK_LIMITS.sectionText), verbatim: true } }] : []),
    {
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the case', emoji: false }, url: caseUrl, style: 'primary', action_id: 'open-case' }],
    },
  ];
  // The notification's text (and what clients without blocks show): escaped, no comment.
  return { text: clip(escapeSlack(`${headline(alert)} — ${scoreLine(alert)}`), SLACK_LIMITS.fallbackText), unfurl_links: false, unfurl_media: false, blocks };
}

/**
 * Text for an Adaptive Card TextBlock or FactSet, which render a subset of markdown: every markdown
 * punctuation mark backslash-escaped, so a comment's `[click](https://…)` or `**` shows as typed. `{{` is
 * broken too (the cards' date/time functions).
 */
export function escapeTeams(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~<>]/g, '\\$&');
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

/** The body of a Teams Workflows webhook ("post to a channel when a webhook request is received") for a case. */
export function teamsCaseCard(alert: AlertCase, caseUrl: string): TeamsMessage {
  const comment = alert.comment ? firstCharacters(alert.comment, MAX_EVENT_COMMENT) : undefined;
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: escapeTeams(headline(alert)), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
    { type: 'FactSet', facts: facts(alert).map(([title, value]) => ({ title: escapeTeams(title), value: escapeTeams(value) })) },
  ];
  if (comment) {
    body.push({
      type: 'Container',
      style: 'emphasis',
      items: [{ type: 'TextBlock', text: escapeTeams(comment.text + (comment.truncated ? '…' : '')), wrap: true, isSubtle: false }],
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
          actions: [{ type: 'Action.OpenUrl', title: 'Open the case', url: caseUrl }],
        },
      },
    ],
  };
}
