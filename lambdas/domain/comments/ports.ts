/** How a comment reads: its tone, language and key phrases. The built-in reader and Amazon Comprehend implement it. */
export interface TextReader {
  /** `builtin` (in the function, English) or `comprehend`. Stored with each analysis. */
  readonly name: 'builtin' | 'comprehend';
  read(text: string): Promise<TextReading>;
}

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export interface TextReading {
  /** Absent when the reader does not read the comment's language. */
  readonly sentiment?: Sentiment;
  /** From -1 (most negative) to 1 (most positive); absent with `sentiment`. */
  readonly score?: number;
  /** ISO 639-1 code of the dominant language, when it could be told. */
  readonly language?: string;
  /** Noun phrases the comment is about (lower case, at most 10), for discovering new theme phrases. */
  readonly phrases: readonly string[];
  /** The sentiment of each clause (split at "but", "however", full stops…), for the sentiment of each theme. */
  readonly clauses?: readonly { readonly text: string; readonly sentiment: Sentiment; readonly score: number }[];
}
