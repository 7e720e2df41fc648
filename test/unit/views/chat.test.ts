import { escapeSlack, escapeTeams, SLACK_LIMITS, slackCaseMessage, slackQuote, teamsCaseCard } from '../../../lambdas/views/chat';
import { localTime } from '../../../lambdas/views/time';
import { alertCase } from '../support/alert-case';

const CASE_URL = 'https://cx.example.org/cases/resp1?token=signed';
type Block = { type: string; text?: { type: string; text: string; verbatim?: boolean }; fields?: Array<{ text: string }>; elements?: Array<Record<string, unknown>> };
const blocks = (m: ReturnType<typeof slackCaseMessage>) => m.blocks as unknown as Block[];
const HOSTILE = '<!channel> please <https://evil.example|click here> & *bold* _it_ ~s~ `code` [x](https://evil.example)\n> fake quote\nline <@U123>';

describe('slackCaseMessage', () => {
  it('is a header, the facts, the quoted comment and a button to the case', () => {
    const message = slackCaseMessage(alertCase(), CASE_URL);
    expect(blocks(message).map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    const [header, facts, comment, actions] = blocks(message);
    expect(header!.text).toEqual({ type: 'plain_text', text: 'Critical case: Delivery check', emoji: false });
    expect(facts!.fields!.map((f) => f.text)).toEqual([
      '*Score*\nLikelihood to recommend: 2/10, Satisfaction: 1/5',
      '*Touchpoint*\ndelivery (web)',
      '*Customer*\ncust-1',
      '*Severity*\nCritical',
      `*Due*\n${localTime('2026-11-25T12:00:00.000Z', 'Europe/Berlin')}`,
    ]);
    expect(comment!.text).toEqual({ type: 'mrkdwn', text: '>Parcel arrived late and broken', verbatim: true });
    expect(actions!.elements).toEqual([{ type: 'button', text: { type: 'plain_text', text: 'Open the case', emoji: false }, url: CASE_URL, style: 'primary', action_id: 'open' }]);
    expect(message).toMatchObject({ unfurl_links: false, unfurl_media: false, text: 'Critical case: Delivery check — Likelihood to recommend: 2/10, Satisfaction: 1/5' });
  });

  it('has no comment section without a comment, and says anonymous without a customer', () => {
    const message = slackCaseMessage(alertCase(undefined, { comment: undefined, customerId: undefined }), CASE_URL);
    expect(blocks(message).map((b) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(blocks(message)[1]!.fields![2]!.text).toBe('*Customer*\nanonymous');
  });

  it('escapes a hostile comment: no mention, no link, no way out of the quote', () => {
    const text = blocks(slackCaseMessage(alertCase(HOSTILE), CASE_URL))[2]!.text!.text;
    expect(text).not.toContain('<');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click here&gt;');
    expect(text).toContain('&amp;');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text.split('\n').every((line) => line.startsWith('>'))).toBe(true);
    expect(text.split('\n')[1]).toBe('>&gt; fake quote');
    expect(escapeSlack('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
  });

  it('escapes the facts and the fallback text too', () => {
    const message = slackCaseMessage(alertCase(undefined, { customerId: '<!here>', touchpoint: '<https://evil|x>', surveyName: 'A & <B>' }), CASE_URL);
    const json = JSON.stringify(blocks(message).slice(1));
    expect(json).not.toMatch(/<!here>|<https/);
    expect(message.text).toBe('Critical case: A &amp; &lt;B&gt; — Likelihood to recommend: 2/10, Satisfaction: 1/5');
    // The header is plain text: Slack shows it as typed.
    expect(blocks(message)[0]!.text!.text).toBe('Critical case: A & <B>');
  });

  it("stays within Slack's limits for a long comment of characters that grow when escaped, and a long survey name", () => {
    const message = slackCaseMessage(alertCase('<&>'.repeat(2000) + '😀'.repeat(2000), { surveyName: 'S'.repeat(400) }), CASE_URL);
    const [header, facts, comment] = blocks(message);
    expect(header!.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header!.text!.text.endsWith('…')).toBe(true);
    expect(comment!.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(comment!.text!.text).toMatch(/(&amp;|&lt;|&gt;)…$/);
    expect(facts!.fields!.every((f) => f.text.length <= SLACK_LIMITS.fieldText)).toBe(true);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('never cuts an emoji in half', () => {
    const quote = slackQuote('😀'.repeat(10), 8);
    expect(quote).toBe('>😀😀😀…');
    expect(quote.length).toBeLessThanOrEqual(8);
  });
});

describe('teamsCaseCard', () => {
  it('is the Workflows webhook body: a message with one Adaptive Card 1.4 and an OpenUrl action', () => {
    const card = teamsCaseCard(alertCase(), CASE_URL);
    expect(card.type).toBe('message');
    expect(card.attachments).toHaveLength(1);
    const { contentType, content } = card.attachments[0]!;
    expect(contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(content).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    expect(content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the case', url: CASE_URL }]);
    expect(content.body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet', 'Container']);
    expect(content.body[0]).toMatchObject({ text: 'Critical case: Delivery check', wrap: true });
    expect((content.body[1] as { facts: Array<{ title: string }> }).facts.map((f) => f.title)).toEqual(['Score', 'Touchpoint', 'Customer', 'Severity', 'Due']);
    expect(JSON.stringify(content.body[2])).toContain('Parcel arrived late and broken');
  });

  it("escapes a hostile comment's markdown and keeps its first 1,000 characters", () => {
    const card = teamsCaseCard(alertCase(HOSTILE + 'x'.repeat(2000)), CASE_URL);
    const text = ((card.attachments[0]!.content.body[2] as { items: Array<{ text: string }> }).items[0]!).text;
    expect(text).toContain('\\[x\\]\\(https://evil\\.example\\)');
    expect(text).toContain('\\*bold\\*');
    expect(text).not.toMatch(/(?<!\\)[[\]()*_`]/);
    expect(text.endsWith('x…')).toBe(true);
    expect(escapeTeams('{{DATE(2026-01-01T00:00:00Z)}}')).toBe('\\{\\{DATE\\(2026\\-01\\-01T00:00:00Z\\)\\}\\}');
  });

  it('has no comment container without a comment', () => {
    expect(teamsCaseCard(alertCase(undefined, { comment: undefined }), CASE_URL).attachments[0]!.content.body).toHaveLength(2);
  });
});

describe('text from customers in chat', () => {
  it('loses control characters and bidirectional overrides, keeps line breaks, in Slack and in Teams', () => {
    const comment = 'a\u0000b\u0007c\u001b[31mred\b\r\nnext line\u202eevil\u2028sep\u200f';
    const slack = JSON.stringify(slackCaseMessage(alertCase(comment), 'https://cx.example.org/c/t'));
    const teams = JSON.stringify(teamsCaseCard(alertCase(comment), 'https://cx.example.org/c/t'));
    for (const body of [slack, teams]) expect(body).not.toMatch(/\\u00(0[0-8bcef]|1[0-9a-f])|\\u202e|\\u200f|\u202e|\u200f|\u0007|\u001b/);
    expect(slackQuote(comment, 500)).toBe('>abc[31mred\n>next lineevil\n>sep');
  });
});
