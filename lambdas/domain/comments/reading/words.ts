/* Words of a comment as the theme matcher and the sentiment model see them: lower case, contractions opened, lemmas. */

export interface Word {
  /** As written, lower case. */
  readonly text: string;
  readonly lemma: string;
  /** Which clause the word is in (clauses end at "but", "however", "although", "though" and sentence marks). */
  readonly clause: number;
}

const IRREGULAR: Record<string, string> = {
  was: 'be', were: 'be', is: 'be', are: 'be', been: 'be', am: 'be', came: 'come', went: 'go', gone: 'go', took: 'take', taken: 'take',
  sent: 'send', paid: 'pay', bought: 'buy', brought: 'bring', got: 'get', gotten: 'get', told: 'tell', said: 'say', made: 'make',
  gave: 'give', given: 'give', left: 'leave', lost: 'lose', found: 'find', kept: 'keep', felt: 'feel', spent: 'spend', knew: 'know',
  known: 'know', broke: 'break', broken: 'broken', thought: 'think', saw: 'see', seen: 'see', charged: 'charge', has: 'have', had: 'have',
  did: 'do', does: 'do', done: 'do', men: 'man', women: 'woman', people: 'person', children: 'child', staff: 'staff', goods: 'goods',
  shipped: 'ship', shipping: 'shipping', delivery: 'delivery', deliveries: 'delivery', delivered: 'deliver', arrived: 'arrive', arriving: 'arrive',
  queue: 'queue', queues: 'queue', queued: 'queue', queuing: 'queue', queueing: 'queue', billing: 'billing', pricing: 'pricing',
  parking: 'parking', opening: 'opening', waiting: 'wait', checkout: 'checkout', login: 'login', logging: 'log', news: 'news', always: 'always',
  gr8: 'great', thx: 'thanks', thanx: 'thanks', ty: 'thanks', pls: 'please', plz: 'please', u: 'you', r: 'are', nvr: 'never', ppl: 'person',
  wk: 'week', wks: 'week', hr: 'hour', hrs: 'hour', min: 'minute', mins: 'minute', cust: 'customer', svc: 'service', dept: 'department',
};

const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bwon't\b/g, 'will not'], [/\bcan't\b/g, 'can not'], [/\bshan't\b/g, 'shall not'], [/n't\b/g, ' not'], [/\bcannot\b/g, 'can not'],
  [/\b(didnt|doesnt|dont|wasnt|werent|isnt|arent|havent|hasnt|hadnt|wouldnt|couldnt|shouldnt)\b/g, '$1 not'],
  [/'re\b/g, ' are'], [/'ve\b/g, ' have'], [/'ll\b/g, ' will'], [/'d\b/g, ' would'], [/'m\b/g, ' am'], [/'s\b/g, ''],
];
const SHORT_NEGATIONS: Record<string, string> = { didnt: 'did', doesnt: 'does', dont: 'do', wasnt: 'was', werent: 'were', isnt: 'is', arent: 'are', havent: 'have', hasnt: 'has', hadnt: 'had', wouldnt: 'would', couldnt: 'could', shouldnt: 'should' };

/** A word's lemma by rule: good enough to match "delays" with "delay" and "refunded" with "refund"; the same on both sides. */
export function lemmaOf(word: string): string {
  const w = word.toLowerCase();
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(w)) return w;
  if (/(ches|shes|xes|sses|zes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s')) return w.slice(0, -1);
  if (w.endsWith('ied')) return `${w.slice(0, -3)}y`;
  for (const suffix of ['ed', 'ing']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      const stem = w.slice(0, -suffix.length);
      // stopped → stop, but called → call and agreed → agree
      if (/([bdfgmnprt])\1$/.test(stem)) return stem.slice(0, -1);
      if (/(at|iz|ok|us|ag|av|ar|ir|ur|iv|ot|ag|os|ic|ud|ut)$/.test(stem) && !/(ee)$/.test(w.slice(0, -suffix.length + 1))) return `${stem}e`;
      return stem;
    }
  }
  return w;
}

const CLAUSE_BREAKS = new Set(['but', 'however', 'although', 'though', 'yet', 'whereas', 'except']);

/** The comment's words; punctuation only ends clauses. Apostrophes are straightened first. */
export function wordsOf(text: string): Word[] {
  let t = text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) t = t.replace(pattern, replacement);
  t = t.replace(/\b(didnt|doesnt|dont|wasnt|werent|isnt|arent|havent|hasnt|hadnt|wouldnt|couldnt|shouldnt) not\b/g, (_m, w: string) => `${SHORT_NEGATIONS[w]} not`);
  const words: Word[] = [];
  let clause = 0;
  for (const match of t.matchAll(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+|[:.,]\d+)*|[.!?;:]+|\n/gu)) {
    const token = match[0];
    if (/^[.!?;:\n]+$/.test(token)) {
      if (words.length > 0 && words[words.length - 1].clause === clause) clause += 1;
      continue;
    }
    if (CLAUSE_BREAKS.has(token) && words.length > 0) {
      if (words[words.length - 1].clause === clause) clause += 1;
    }
    const text = token.replace(/'/g, '');
    words.push({ text, lemma: lemmaOf(text), clause });
  }
  return words;
}

const NUMBER_WORDS = new Set(['a', 'an', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'ninety', 'hundred', 'several', 'few', 'couple']);
/** Whether a word is a number ("40", "3:40", "2.5", "forty", "a couple"): what `#` in a theme phrase stands for. */
export const isNumber = (word: Word) => /^\d+(?:[:.,]\d+)*(?:st|nd|rd|th|am|pm|h|m|k)?$/.test(word.text) || NUMBER_WORDS.has(word.text);

/** Words that turn what follows them around. */
export const NEGATIONS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly', 'nowhere', 'noone', 'lack', 'nvr']);

/** Words that carry no topic: left out of key phrases. */
export const STOPWORDS = new Set(
  ('a an the and or but so if then than to of in on at by for from with about as into over after before under again further once here there when where why how all any both each few more most other some such only own same too very ' +
    'can will just should now i me my we our you your he him his she her it its they them their what which who whom this that these those am is are was were be been being have has had ' +
    'do does did would could might must shall may also get got still even really quite much many lot lots one two three thing things way back up down out off well ok okay yes no not never ' +
    'thanks thank please would like im ive id dont didnt wasnt isnt cant wont us let make made go went come came take took give gave know say said tell told want need time day days').split(' '),
);
