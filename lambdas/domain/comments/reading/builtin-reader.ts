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
    // English, or a language it cannot tell written in plain ASCII letters ("gr8 svc, ta"): anything else
    // (another language, another script, accented words it cannot place) is not guessed at.
    if (language !== 'en' && (language !== undefined || /[^\x00-\x7f]/.test(text.replace(/[\p{P}\p{S}\p{Z}\p{Extended_Pictographic}\u200d\ufe0f]/gu, '')))) return { ...(language && { language }), phrases: [] };
    const words = wordsOf(text);
    const whole = readSentiment(text, words);
    const clauses = new Map<number, Word[]>();
    for (const word of words) {
      const clause = clauses.get(word.clause);
      if (clause) clause.push(word);
      else clauses.set(word.clause, [word]);
    }
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
