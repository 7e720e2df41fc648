import { XMLParser } from 'fast-xml-parser';
import { twilioSmsTwiml, twilioVoiceTwiml, vonageNcco } from '../../../lambdas/views/phone';
import { smsText } from '../../../lambdas/domain/outreach/phone/sms-text';
import { survey } from '../support/fixtures';

const parse = (text: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text);
const s = survey({ questions: [{ id: 'nps', type: 'nps', text: 'Recommend us?' }, { id: 'why', type: 'text', text: 'Why?' }] });
const ask = (i: number, retry = false) => ({ kind: 'ask' as const, question: s.questions[i], retry });

describe('TwiML', () => {
  it('asks a score with a keypad-and-speech Gather, greeting first, then redirects on silence', () => {
    const doc = parse(twilioVoiceTwiml(s, ask(0), { actionUrl: 'https://cx.example.org/webhooks/twilio/voice?step=0.0', first: true }));
    expect(doc.Response.Gather).toMatchObject({
      '@input': 'dtmf speech',
      '@action': 'https://cx.example.org/webhooks/twilio/voice?step=0.0',
      '@method': 'POST',
      '@finishOnKey': '#',
      '@actionOnEmptyResult': 'true',
    });
    expect(doc.Response.Gather.Say).toMatch(/^Thank you for calling\..*On a scale from 0 to 10, recommend us\?/);
    expect(doc.Response.Redirect).toMatchObject({ '#text': 'https://cx.example.org/webhooks/twilio/voice?step=0.0', '@method': 'POST' });
  });

  it('takes free text by speech only, apologises on a retry, and hangs up at the end', () => {
    const text = parse(twilioVoiceTwiml(s, ask(1, true), { actionUrl: 'https://x/a', first: false }));
    expect(text.Response.Gather['@input']).toBe('speech');
    expect(text.Response.Gather.Say).toMatch(/^Sorry, I didn't get that\. Why\?/);
    const done = parse(twilioVoiceTwiml(s, { kind: 'done' }, { actionUrl: '', first: false }));
    expect(done.Response.Say).toContain('Goodbye');
    expect(done.Response).toHaveProperty('Hangup');
    expect(parse(twilioVoiceTwiml(undefined, undefined, { actionUrl: '', first: true })).Response.Say).toContain('no survey');
  });

  it('escapes survey text', () => {
    const risky = survey({ questions: [{ id: 'n', type: 'nps', text: 'Rate <us> & "them"' }] });
    const xml = twilioVoiceTwiml(risky, { kind: 'ask', question: risky.questions[0], retry: false }, { actionUrl: 'https://x/a?b=1&c=2', first: false });
    expect(parse(xml).Response.Gather.Say).toContain('rate <us> & "them"');
    expect(xml).not.toContain('<us>');
  });

  it('answers texts with one Message, or none', () => {
    expect(parse(twilioSmsTwiml('Next?')).Response.Message).toBe('Next?');
    expect(parse(twilioSmsTwiml(undefined)).Response).toBe('');
    expect(smsText(s, ask(0), true)).toMatch(/^Delivery check: On a scale from 0 to 10.*Reply STOP to opt out\.$/);
  });
});

describe('NCCO', () => {
  it('talks then collects DTMF and speech, posting to the input URL', () => {
    const ncco = vonageNcco(s, ask(0), { eventUrl: 'https://cx.example.org/webhooks/vonage/input?step=0.0', first: true });
    expect(ncco).toEqual([
      expect.objectContaining({ action: 'talk', bargeIn: true, text: expect.stringContaining('On a scale from 0 to 10') }),
      expect.objectContaining({ action: 'input', type: ['dtmf', 'speech'], dtmf: expect.objectContaining({ maxDigits: 2 }), eventUrl: ['https://cx.example.org/webhooks/vonage/input?step=0.0'], eventMethod: 'POST' }),
    ]);
    expect(vonageNcco(s, ask(1), { eventUrl: 'u', first: false })[1]).toMatchObject({ type: ['speech'] });
    expect(vonageNcco(s, { kind: 'done' }, { eventUrl: '', first: false })).toEqual([{ action: 'talk', text: expect.stringContaining('Goodbye') }]);
  });
});
