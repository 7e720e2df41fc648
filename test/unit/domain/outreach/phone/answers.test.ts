import { interpretAnswer, leadingNumber, promptFor, smsCommand } from '../../../../../lambdas/domain/outreach/phone/answers';
import type { Question } from '../../../../../lambdas/domain/surveys/survey-schema';

const q = (type: Question['type'], extra: Partial<Question> = {}): Question => ({ id: 'q', type, text: 'How likely are you to recommend us?', required: false, ...extra });
const choice = q('choice', { options: [{ id: 'speed', label: 'Speed' }, { id: 'kindness', label: 'Kindness' }] });

describe('interpretAnswer', () => {
  it('reads scores from keypad digits, digits in text and number words', () => {
    expect(interpretAnswer(q('nps'), { digits: '10#' })).toBe(10);
    expect(interpretAnswer(q('nps'), { digits: '0' })).toBe(0);
    expect(interpretAnswer(q('nps'), { text: '9 great service' })).toBe(9);
    expect(interpretAnswer(q('nps'), { text: 'nine' })).toBe(9);
    expect(interpretAnswer(q('nps'), { speech: 'Seven.' })).toBe(7);
    expect(interpretAnswer(q('nps'), { text: 'a 10/10' })).toBe(10);
    expect(interpretAnswer(q('csat'), { speech: 'two' })).toBe(2);
  });

  it('refuses out-of-range or unreadable scores (re-ask)', () => {
    expect(interpretAnswer(q('nps'), { digits: '11' })).toBeUndefined();
    expect(interpretAnswer(q('csat'), { digits: '0' })).toBeUndefined();
    expect(interpretAnswer(q('ces'), { text: 'eight' })).toBeUndefined();
    expect(interpretAnswer(q('nps'), { text: 'great' })).toBeUndefined();
    expect(interpretAnswer(q('nps'), {})).toBeUndefined();
  });

  it('reads yes/no from 1/2 and words, choices by position or label, and text as said', () => {
    expect(interpretAnswer(q('yesno'), { digits: '1' })).toBe(true);
    expect(interpretAnswer(q('yesno'), { digits: '2' })).toBe(false);
    expect(interpretAnswer(q('yesno'), { speech: 'Yes, it was' })).toBe(true);
    expect(interpretAnswer(q('yesno'), { text: 'NO' })).toBe(false);
    expect(interpretAnswer(q('yesno'), { digits: '3' })).toBeUndefined();
    expect(interpretAnswer(choice, { digits: '2' })).toBe('kindness');
    expect(interpretAnswer(choice, { speech: 'the speed' })).toBe('speed');
    expect(interpretAnswer(choice, { digits: '3' })).toBeUndefined();
    expect(interpretAnswer(q('text'), { speech: ' Driver was rude ' })).toBe('Driver was rude');
    expect(interpretAnswer(q('text'), { speech: '' })).toBeUndefined();
  });

  it('splits a leading score from the remark', () => {
    expect(leadingNumber('9 great service')).toEqual({ value: 9, rest: 'great service' });
    expect(leadingNumber('Ten! Loved it')).toEqual({ value: 10, rest: 'Loved it' });
    expect(leadingNumber('great')).toBeUndefined();
    expect(leadingNumber("I'd say 8")).toBeUndefined();
    expect(leadingNumber('9 but the 2 calls before were bad')).toBeUndefined();
    expect(leadingNumber('9 though the 2nd driver was late')).toEqual({ value: 9, rest: 'though the 2nd driver was late' });
    expect(leadingNumber('for sure a 10')).toBeUndefined();
  });
});

/** How people answer "0 to 10, how likely…" on the phone (speech) and by text (SMS). */
const NPS_PHRASINGS: [medium: 'speech' | 'text', said: string, expected: number | undefined][] = [
  // The misreadings that turned happy customers into critical alerts.
  ['speech', "Oh, I'd say 8", 8],
  ['speech', 'To be honest, 9', 9],
  ['speech', 'For sure a 10', 10],
  ['text', '9.5', undefined],
  // One clear number anywhere.
  ['speech', 'nine', 9],
  ['speech', 'Seven.', 7],
  ['speech', 'a ten', 10],
  ['speech', 'definitely a seven', 7],
  ['speech', "I'd give you an eight", 8],
  ['speech', 'probably six', 6],
  ['speech', 'zero', 0],
  ['speech', 'um, five I guess', 5],
  ['speech', "I'd say about a 7", 7],
  ['speech', 'ten out of ten', 10],
  ['speech', 'eight out of 10', 8],
  ['speech', 'Honestly? Three.', 3],
  ['speech', 'let me think… nine', 9],
  ['speech', 'It was a four', 4],
  ['speech', 'the service deserves a nine', 9],
  ['speech', 'not great, two', 2],
  ['speech', 'Nine. Yes, nine.', 9],
  ['speech', 'this one gets a 9', 9],
  ['speech', 'one of the best, ten', 10],
  ['speech', 'no one helped me, zero', 0],
  ['text', '9', 9],
  ['text', '10', 10],
  ['text', '0', 0],
  ['text', ' 7 ', 7],
  ['text', '9/10', 9],
  ['text', 'a 10/10', 10],
  ['text', '8 out of 10', 8],
  ['text', '9 great service', 9],
  ['text', 'Ten! Loved it', 10],
  ['text', "I'd say 8", 8],
  ['text', 'To be honest, 9', 9],
  ['text', 'For sure a 10', 10],
  ['text', 'definitely 10, thanks', 10],
  ['text', 'Six', 6],
  ['text', '3 - driver was late', 3],
  ['text', 'solid 8!', 8],
  ['text', 'Probably a 5 to be honest', 5],
  ['text', 'one', 1],
  // Sound-alikes: a number only as the whole spoken answer.
  ['speech', 'for', 4],
  ['speech', 'to', 2],
  ['speech', 'too', 2],
  ['speech', 'oh', 0],
  ['speech', 'ate', 8],
  ['speech', 'won', 1],
  ['speech', 'a for', 4],
  ['speech', 'for sure', undefined],
  ['speech', 'to be honest', undefined],
  ['speech', 'oh well', undefined],
  ['text', 'for', undefined],
  ['text', 'to', undefined],
  ['text', 'oh', undefined],
  ['text', 'nothing', undefined],
  // Several numbers, none, or no whole score: ask again.
  ['text', '7 or 8', undefined],
  ['speech', 'seven or eight', undefined],
  ['text', '7-8', undefined],
  ['text', '8.5', undefined],
  ['text', '9,5', undefined],
  ['text', '-3', undefined],
  ['text', 'great', undefined],
  ['speech', 'I am not sure', undefined],
  ['text', '', undefined],
  ['text', 'was 10 before, now 2', undefined],
  ['speech', 'between six and seven', undefined],
  ['text', '11', undefined],
  ['text', '100', undefined],
  ['text', 'it took 3 calls, so 4', undefined],
  // Halves, negatives and numbers above the scale are no whole score either.
  ['speech', 'nine and a half', undefined],
  ['speech', 'eight point five', undefined],
  ['text', '9½', undefined],
  ['speech', 'minus three', undefined],
  ['text', 'negative 2', undefined],
  ['speech', 'eleven out of ten', undefined],
  ['speech', 'twenty-five', undefined],
  ['speech', 'fifteen', undefined],
  ['text', 'a hundred percent', undefined],
  ['speech', 'none', 0],
  ['speech', 'constructor', undefined],
  ['speech', 'to the point, 7', 7],
  ['text', "I'd give it one", 1],
  ['text', 'Oh, eight', 8],
];

describe('numbers in spoken and typed answers', () => {
  it.each(NPS_PHRASINGS)('%s %j → %p', (medium, said, expected) => {
    expect(interpretAnswer(q('nps'), medium === 'speech' ? { speech: said } : { text: said })).toBe(expected);
  });

  it('reads a choice by its spoken position only when that is the one number', () => {
    expect(interpretAnswer(choice, { speech: 'two' })).toBe('kindness');
    expect(interpretAnswer(choice, { speech: 'to' })).toBe('kindness');
    expect(interpretAnswer(choice, { text: 'to be fair, speed' })).toBe('speed');
    expect(interpretAnswer(choice, { text: '1 or 2' })).toBeUndefined();
  });
});

describe('prompts and keywords', () => {
  it('phrases questions for voice and SMS', () => {
    expect(promptFor(q('nps'), 'voice')).toBe('On a scale from 0 to 10, how likely are you to recommend us? Press a number, then the pound key.');
    expect(promptFor(q('nps'), 'sms')).toContain('Reply with a number from 0 to 10.');
    expect(promptFor(q('yesno', { text: 'Resolved?' }), 'sms')).toBe('Resolved? Reply YES or NO.');
    expect(promptFor(choice, 'voice')).toContain('Press 1 for Speed. Press 2 for Kindness.');
  });

  it('recognises carrier keywords', () => {
    expect(['STOP', 'stop', ' Unsubscribe ', 'CANCEL', 'quit'].map(smsCommand)).toEqual(['stop', 'stop', 'stop', 'stop', 'stop']);
    expect(smsCommand('START')).toBe('start');
    expect(smsCommand('help')).toBe('help');
    expect(smsCommand('stop it please')).toBeUndefined();
  });
});
