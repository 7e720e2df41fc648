import type { CommentAnalysis } from './analysis';
import type { ThemeSet } from './themes/taxonomy';

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

/** Where a response's analysis is written: beside its answers, without a new revision. */
export interface AnalysisStore {
  /** Stores the analysis of the response's current revision; false when newer answers arrived (or it is gone). */
  saveAnalysis(responseId: string, analysis: CommentAnalysis): Promise<boolean>;
}

/** A survey's theme sets: the current one on the survey, every version kept. */
export interface ThemeSetStore {
  /** Saves a new version while the survey's set is still at `expectedVersion` (0: none yet); false otherwise. */
  saveThemeSet(set: ThemeSet, expectedVersion: number): Promise<boolean>;
  getThemeSet(surveyId: string, version: number): Promise<ThemeSet | undefined>;
}
