import { interpretAnswer, leadingNumber, promptFor, smsCommand } from '../../../lambdas/domain/phone/answers';
import type { Question } from '../../../lambdas/domain/survey';

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
