import { detectLanguage } from './language';
import type { TextReader, TextReading } from '../ports';
import { readSentiment } from './sentiment';
import { STOPWORDS, wordsOf, type Word } from './words';

const MAX_PHRASES = 10;

/** Runs of up to three topic words inside a clause ("parcel", "delivery slot", "customer service team"). */
export function keyPhrases(words: readonly Word[]): string[] {
  const phrases: string[] = [];
  let run: string[] = [];
  const flush = () => {
    for (let i = 0; i < run.length; i += 3) phrases.push(run.slice(i, i + 3).join(' '));
    run = [];
  };
  let clause = 0;
  for (const word of words) {
    if (word.clause !== clause) {
      flush();
      clause = word.clause;
    }
    if (STOPWORDS.has(word.text) || word.text.length < 3 || /^\d+$/.test(word.text)) flush();
    else run.push(word.text);
  }
  flush();
  return [...new Set(phrases)].slice(0, MAX_PHRASES);
}

/**
 * The built-in reader: English comments get a sentiment (whole and per clause) and key phrases; a comment
 * in another language gets its language and nothing it cannot read.
 */
export const builtinReader: TextReader = {
  name: 'builtin',
  async read(text: string): Promise<TextReading> {
    const language = detectLanguage(text);
    const words = wordsOf(text);
    if (language !== undefined && language !== 'en') return { language, phrases: [] };
    const whole = readSentiment(text, words);
    const clauses = new Map<number, Word[]>();
    for (const word of words) clauses.set(word.clause, [...(clauses.get(word.clause) ?? []), word]);
    return {
      ...whole,
      ...(language && { language }),
      phrases: keyPhrases(words),
      clauses: [...clauses.values()].map((clause) => {
        const clauseText = clause.map((w) => w.text).join(' ');
        return { text: clauseText, ...readSentiment(clauseText, clause) };
      }),
    };
  },
};
