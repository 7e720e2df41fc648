import { applyInput, MAX_ATTEMPTS, responseOf, startConversation, turnOf } from '../../../../../lambdas/domain/outreach/phone/conversation';
import { NOW, survey } from '../../../support/fixtures';

const s = survey({
  questions: [
    { id: 'nps', type: 'nps', text: 'Recommend?', required: true },
    { id: 'csat', type: 'csat', text: 'Satisfied?' },
    { id: 'comment', type: 'text', text: 'Why?' },
  ],
});
const start = () => startConversation(s, { id: 'voice-twilio#CA1', channel: 'voice-twilio', responseKey: 'CA1', phone: '+14155550100' }, NOW);

describe('conversation', () => {
  it('asks each question in turn and ends', () => {
    let c = start();
    expect(turnOf(s, c)).toMatchObject({ kind: 'ask', question: { id: 'nps' }, retry: false });
    c = applyInput(s, c, { digits: '4' }, 's1').conversation;
    c = applyInput(s, c, { digits: '2' }, 's2').conversation;
    c = applyInput(s, c, { speech: 'Too slow' }, 's3').conversation;
    expect(turnOf(s, c)).toEqual({ kind: 'done' });
    expect(c).toMatchObject({ status: 'ended', answers: { nps: 4, csat: 2, comment: 'Too slow' } });
    expect(responseOf(s, c, NOW)).toMatchObject({ channel: 'voice-twilio', status: 'complete', revision: 4, contact: { phone: '+14155550100' } });
  });

  it('re-asks an invalid answer once, then skips the question', () => {
    let c = applyInput(s, start(), { digits: '42' }, 's1').conversation;
    expect(turnOf(s, c)).toMatchObject({ kind: 'ask', question: { id: 'nps' }, retry: true });
    c = applyInput(s, c, {}, 's2').conversation;
    expect(MAX_ATTEMPTS).toBe(2);
    expect(turnOf(s, c)).toMatchObject({ kind: 'ask', question: { id: 'csat' }, retry: false });
  });

  it('ignores a step it already applied (a provider retry)', () => {
    const once = applyInput(s, start(), { digits: '9' }, 'SM1').conversation;
    const again = applyInput(s, once, { digits: '3' }, 'SM1');
    expect(again.changed).toBe(false);
    expect(again.conversation).toBe(once);
  });

  it('lets "9 great service" answer the comment too, which is then not asked', () => {
    const c = applyInput(s, start(), { text: '9 great service' }, 'SM1').conversation;
    expect(c.answers).toEqual({ nps: 9, comment: 'great service' });
    const next = applyInput(s, c, { text: '5' }, 'SM2').conversation;
    expect(turnOf(s, next)).toEqual({ kind: 'done' });
  });

  it.each([
    [{ text: "I'd say 8" }, { nps: 8 }],
    [{ speech: 'Oh, I would say 8' }, { nps: 8 }],
    [{ text: 'For sure a 10' }, { nps: 10 }],
    [{ speech: 'for' }, { nps: 4 }],
    [{ text: '9/10' }, { nps: 9 }],
    [{ text: 'Ten! Loved it' }, { nps: 10, comment: 'Loved it' }],
    [{ text: '9 out of 10, quick and friendly' }, { nps: 9, comment: 'quick and friendly' }],
  ])('takes a remark only from words after a leading score: %j', (input, answers) => {
    expect(applyInput(s, start(), input, 'SM1').conversation.answers).toEqual(answers);
  });

  it('re-asks a score given as a range, and keeps no remark from it', () => {
    const c = applyInput(s, start(), { text: '7-8 it was ok' }, 'SM1').conversation;
    expect(c.answers).toEqual({});
    expect(turnOf(s, c)).toMatchObject({ kind: 'ask', question: { id: 'nps' }, retry: true });
  });

  it('makes a growing partial response, complete only when required answers are in', () => {
    const c = start();
    expect(responseOf(s, c, NOW)).toBeUndefined();
    const one = applyInput(s, c, { digits: '8' }, 's1').conversation;
    const r1 = responseOf(s, one, NOW)!;
    expect(r1).toMatchObject({ status: 'partial', revision: 1, answers: { nps: 8 } });
    const skippedNps = applyInput(s, applyInput(s, c, {}, 'a').conversation, {}, 'b').conversation;
    const done = applyInput(s, applyInput(s, skippedNps, { digits: '3' }, 'c').conversation, { speech: 'ok' }, 'd').conversation;
    expect(done.status).toBe('ended');
    expect(responseOf(s, done, NOW)!.status).toBe('partial'); // the required NPS was never answered
    expect(responseOf(s, one, NOW)!.id).toBe(r1.id);
  });
});
