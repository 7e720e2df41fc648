import type { AnswerValue } from '../../surveys/response';
import { numericRange } from '../../surveys/survey';
import type { Question } from '../../surveys/survey-schema';

/** What a caller or texter gave for one question: keypad digits, recognised speech, or SMS text. */
export interface PhoneInput {
  readonly digits?: string;
  readonly speech?: string;
  readonly text?: string;
}

/**
 * Number words that mean a number wherever they stand. Those above ten are no score, but they are read so
 * that "eleven out of ten" or "twenty-five" is refused rather than taken as 10 or 5.
 */
const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  hundred: 100,
};
/**
 * Words a speech recogniser hears for numbers ("for" for 4, "to" for 2): a number only when they are the
 * whole spoken answer. Inside a sentence ("for sure", "to be honest") or in a typed text they are words.
 */
const SOUND_ALIKES: Record<string, number> = { oh: 0, none: 0, nothing: 0, won: 1, to: 2, too: 2, for: 4, fore: 4, ate: 8 };
const YES = /^(yes|yeah|yep|y|sure|correct|right|1)$/i;
const NO = /^(no|nope|nah|n|not really|2)$/i;

const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9\s]/g, ' ').split(/\s+/).filter(Boolean);

const NUMBER = `(?:\\d+|${Object.keys(NUMBER_WORDS).join('|')})`;
/** "9/10", "9 out of 10", "nine out of ten": the scale is not a second number. */
const OUT_OF_TEN = new RegExp(`\\b(${NUMBER})\\s*(?:/|out of)\\s*(?:10|ten)\\b`, 'g');
/** "one" as a pronoun or determiner ("no one", "this one", "one of the best") is not a score. */
const ONE_AS_WORD = /\b(?:no|this|that|the|every|any|each|which|another|only|someone|anyone)\s+one\b|\bone\s+(?:of|more|thing|day|time|another)\b/g;

/** Decimals, halves and negatives ("9.5", "nine and a half", "-3", "minus three"): no whole score, ask again. */
const NOT_A_WHOLE_SCORE = [
  /\d[.,]\d/,
  /\band a half\b|\u00bd/,
  new RegExp(`\\bpoint\\s+(?:oh|${NUMBER})\\b`),
  new RegExp(`(?:^|[^\\w])-\\s*\\d|\\b(?:minus|negative)\\s+${NUMBER}\\b`),
];

function valueOf(token: string): number {
  return /^\d+$/.test(token) ? Number(token) : NUMBER_WORDS[token];
}

/**
 * The one number a spoken or typed answer gives, or undefined when it gives none or several different ones
 * (ask again). Digits and number words count anywhere ("I'd say 8", "to be honest, 9"); a decimal or a
 * negative number is no whole score; sound-alikes count only as a whole spoken answer.
 */
export function numberIn(raw: string, medium: 'speech' | 'text'): number | undefined {
  const text = raw.toLowerCase().replace(/[\u2018\u2019]/g, "'").trim();
  const bare = text.replace(/[^a-z0-9\s]/g, ' ').replace(/^\s*(?:a|an)\s+/, '').trim();
  if (medium === 'speech' && Object.hasOwn(SOUND_ALIKES, bare)) return SOUND_ALIKES[bare];
  if (NOT_A_WHOLE_SCORE.some((pattern) => pattern.test(text))) return undefined;
  const found = text
    .replace(OUT_OF_TEN, '$1')
    .replace(ONE_AS_WORD, ' ')
    .match(new RegExp(`\\b${NUMBER}\\b`, 'g'));
  if (!found) return undefined;
  const values = new Set(found.map(valueOf));
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * A score at the very start of a text and the words after it ("9 great service" → 9, "great service"): the
 * remark answers the next free-text question. Undefined when the text does not start with its one number.
 */
export function leadingNumber(raw: string): { value: number; rest: string } | undefined {
  const match = new RegExp(`^\\s*(?:a\\s+|an\\s+)?(${NUMBER})(?:\\s*(?:/|out of)\\s*(?:10|ten))?\\b[\\s.,!:;-]*(.*)$`, 'is').exec(raw);
  if (!match) return undefined;
  const value = valueOf(match[1].toLowerCase());
  return numberIn(raw, 'text') === value ? { value, rest: match[2].trim() } : undefined;
}

/**
 * The answer a phone input gives to a question, or undefined when it does not answer it (re-ask).
 * Keypad: numbers as typed, yes/no as 1/2, choices by position. Speech and SMS: words or digits.
 */
export function interpretAnswer(question: Question, input: PhoneInput): AnswerValue | undefined {
  const said = (input.speech ?? input.text ?? '').trim();
  const medium = input.speech !== undefined ? 'speech' : 'text';
  const digits = input.digits?.replace(/[#*]/g, '');
  const range = numericRange(question);
  if (range) {
    const value = digits ? Number(digits) : numberIn(said, medium);
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
    const position = digits ? Number(digits) : numberIn(said, medium);
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
