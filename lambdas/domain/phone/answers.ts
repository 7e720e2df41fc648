import type { AnswerValue } from '../response';
import { numericRange, type Question } from '../survey';

/** What a caller or texter gave for one question: keypad digits, recognised speech, or SMS text. */
export interface PhoneInput {
  readonly digits?: string;
  readonly speech?: string;
  readonly text?: string;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, oh: 0, none: 0, nothing: 0, one: 1, won: 1, two: 2, to: 2, too: 2, three: 3, four: 4, for: 4, five: 5,
  six: 6, seven: 7, eight: 8, ate: 8, nine: 9, ten: 10,
};
const YES = /^(yes|yeah|yep|y|sure|correct|right|1)$/i;
const NO = /^(no|nope|nah|n|not really|2)$/i;

const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9\s]/g, ' ').split(/\s+/).filter(Boolean);

/** A leading number, as digits or a word ("9", "nine", "a nine", "9/10"), and the rest of the text. */
export function leadingNumber(raw: string): { value: number; rest: string } | undefined {
  const match = /^\s*(?:a\s+|an\s+)?([a-z]+|\d{1,2})(?:\s*(?:\/|out of)\s*10)?\b[\s.,!:;-]*(.*)$/is.exec(raw);
  if (!match) return undefined;
  const token = match[1].toLowerCase();
  const value = /^\d+$/.test(token) ? Number(token) : NUMBER_WORDS[token];
  return value === undefined ? undefined : { value, rest: match[2].trim() };
}

/**
 * The answer a phone input gives to a question, or undefined when it does not answer it (re-ask).
 * Keypad: numbers as typed, yes/no as 1/2, choices by position. Speech and SMS: words or digits.
 */
export function interpretAnswer(question: Question, input: PhoneInput): AnswerValue | undefined {
  const said = (input.speech ?? input.text ?? '').trim();
  const digits = input.digits?.replace(/[#*]/g, '');
  const range = numericRange(question);
  if (range) {
    const value = digits ? Number(digits) : leadingNumber(said)?.value;
    return value !== undefined && Number.isInteger(value) && value >= range.min && value <= range.max ? value : undefined;
  }
  if (question.type === 'yesno') {
    const token = digits || words(said).slice(0, 2).join(' ');
    if (YES.test(token) || YES.test(token.split(' ')[0] ?? '')) return true;
    if (NO.test(token) || NO.test(token.split(' ')[0] ?? '')) return false;
    return undefined;
  }
  if (question.type === 'choice') {
    const options = question.options ?? [];
    const position = digits ? Number(digits) : leadingNumber(said)?.value;
    if (position !== undefined && position >= 1 && position <= options.length) return options[position - 1].id;
    const spoken = words(said).join(' ');
    return options.find((o) => spoken.includes(o.label.toLowerCase()) || spoken === o.id.toLowerCase())?.id;
  }
  return said.length > 0 ? said.slice(0, 2000) : undefined;
}

/** How to ask a question on the phone (`voice`) or by text message (`sms`). */
export function promptFor(question: Question, medium: 'voice' | 'sms'): string {
  const range = numericRange(question);
  const act = medium === 'voice' ? 'press' : 'reply with';
  if (range) {
    const scale = `On a scale from ${range.min} to ${range.max}, `;
    const how = medium === 'voice' ? ` Press a number, then the pound key.` : ` Reply with a number from ${range.min} to ${range.max}.`;
    return `${scale}${lowerFirst(question.text)}${how}`;
  }
  if (question.type === 'yesno') return `${question.text} ${medium === 'voice' ? 'Press 1 or say yes, press 2 or say no.' : 'Reply YES or NO.'}`;
  if (question.type === 'choice') {
    return `${question.text} ${(question.options ?? []).map((o, i) => `${capitalise(act)} ${i + 1} for ${o.label}.`).join(' ')}`;
  }
  return `${question.text} ${medium === 'voice' ? 'Please tell us after the tone, then stay silent.' : 'Reply with your answer.'}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export type SmsCommand = 'stop' | 'start' | 'help' | undefined;
/** Carrier keywords every SMS program must honour. */
export function smsCommand(text: string): SmsCommand {
  const word = text.trim().toUpperCase();
  if (/^(STOP|STOPALL|UNSUBSCRIBE|CANCEL|END|QUIT|OPTOUT|REVOKE)$/.test(word)) return 'stop';
  if (/^(START|UNSTOP|YES START|OPTIN)$/.test(word)) return 'start';
  if (/^(HELP|INFO)$/.test(word)) return 'help';
  return undefined;
}
