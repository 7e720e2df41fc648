import type { Sentiment } from './ports';

/**
 * What the pipeline stores on a response about its free text (`analysis`): written by the processing step
 * without a new response revision, counted by the aggregates from the stream's old and new images.
 */
export interface CommentAnalysis {
  /** The response revision whose answers were read; a newer revision is read again. */
  readonly revision: number;
  /** `builtin` or `comprehend`, and the version of the survey's theme set that was applied. */
  readonly analyzer: 'builtin' | 'comprehend';
  readonly taxonomyVersion: number;
  /** Absent when the analyzer does not read the comment's language (`language` says which it is). */
  readonly sentiment?: Sentiment;
  readonly score?: number;
  readonly language?: string;
  /** Theme ids of the survey's taxonomy, in taxonomy order; empty means "unassigned". */
  readonly themes: readonly string[];
  /** The sentiment of the clause each theme was found in ("great app but still no refund": digital positive, refunds negative). */
  readonly themeSentiments: Readonly<Record<string, Sentiment>>;
  /** The taxonomy phrases that matched, per theme (why a theme was given). */
  readonly matches: Readonly<Record<string, readonly string[]>>;
  /** Key phrases of the comment, for discovering phrases the taxonomy lacks. */
  readonly phrases: readonly string[];
  readonly analyzedAt: string;
}
