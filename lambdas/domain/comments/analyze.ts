import type { CommentAnalysis } from './analysis';
import type { Sentiment, TextReader, TextReading } from './ports';
import type { Taxonomy } from './themes/taxonomy';
import { confirmMatches } from './themes/theme-model';
import { matchThemes } from './themes/matching';
import { wordsOf } from './reading/words';

/** What `cx comments analyze` prints and the pipeline stores, before the response-specific fields. */
export type CommentReading = Omit<CommentAnalysis, 'revision' | 'analyzedAt' | 'taxonomyVersion'>;

/**
 * Reads one comment: its sentiment from the reader, its themes from the taxonomy, and the sentiment of each
 * theme from the clause it was found in (the clause that reads strongest when it is in several). A comment in
 * a language the reader does not read gets no sentiment and no themes (the taxonomy is English).
 */
export async function readComment(reader: TextReader, taxonomy: Taxonomy, text: string): Promise<CommentReading> {
  const reading = await reader.read(text);
  const base = { analyzer: reader.name, ...(reading.language && { language: reading.language }), phrases: reading.phrases };
  if (!reading.sentiment) return { ...base, themes: [], themeSentiments: {}, matches: {} };
  const words = wordsOf(text);
  const matches = confirmMatches(matchThemes(taxonomy, words), words);
  return {
    ...base,
    sentiment: reading.sentiment,
    score: reading.score,
    themes: matches.map((m) => m.theme),
    themeSentiments: Object.fromEntries(matches.map((m) => [m.theme, toneOf(reading, m.clauses)])),
    matches: Object.fromEntries(matches.map((m) => [m.theme, m.phrases])),
  };
}

function toneOf(reading: TextReading, clauses: readonly number[]): Sentiment {
  const read = clauses.map((i) => reading.clauses?.[i]).filter((c) => c !== undefined);
  if (read.length === 0) return reading.sentiment!;
  return read.reduce((strongest, c) => (Math.abs(c.score) > Math.abs(strongest.score) ? c : strongest)).sentiment;
}

export async function analyzeComment(reader: TextReader, taxonomy: Taxonomy, text: string, revision: number, now: Date): Promise<CommentAnalysis> {
  return { revision, taxonomyVersion: taxonomy.version, ...(await readComment(reader, taxonomy, text)), analyzedAt: now.toISOString() };
}
