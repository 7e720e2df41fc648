import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import model from './sentiment-model.json';
import type { Sentiment } from '../ports';
import { serviceCues } from './service-cues';
import { NEGATIONS, wordsOf, type Word } from './words';

/*
 * The built-in sentiment reader: a logistic regression over the comment's words (negation-scoped) and word
 * pairs, the VADER lexicon's reading (Hutto & Gilbert, 2014) and customer-service cues, trained by
 * scripts/train-sentiment.ts on the tuning part of test/eval and measured on the held-out part.
 */

export type Features = Map<string, number>;

/** How many words after a negation it reaches (and never past the clause). */
const NEGATION_REACH = 3;

/** The model's inputs for one text: the same function trains it and reads with it. */
export function featuresOf(text: string, words: readonly Word[] = wordsOf(text)): Features {
  const f: Features = new Map([['bias', 1]]);
  let negatedFor = 0;
  let clause = -1;
  let previous: string | undefined;
  for (const word of words) {
    if (word.clause !== clause) {
      clause = word.clause;
      negatedFor = 0;
      previous = undefined;
    }
    if (NEGATIONS.has(word.text)) {
      negatedFor = NEGATION_REACH;
      f.set(`w:${word.text}`, 1);
    } else {
      f.set(`w:${negatedFor > 0 ? 'NOT_' : ''}${word.lemma}`, 1);
      if (negatedFor > 0) negatedFor -= 1;
    }
    if (previous) f.set(`b:${previous}_${word.lemma}`, 1);
    previous = word.lemma;
  }
  const vader = SentimentIntensityAnalyzer.polarity_scores(text);
  f.set('vader:compound', vader.compound * 3);
  f.set('vader:pos', vader.pos * 3);
  f.set('vader:neg', vader.neg * 3);
  const opened = words.map((w) => w.text).join(' ');
  const cues = serviceCues(opened);
  for (const cue of cues.negative) f.set(`cue:-${cue}`, 1);
  for (const cue of cues.positive) f.set(`cue:+${cue}`, 1);
  f.set('cue:balance', cues.positive.length - cues.negative.length);
  return f;
}

interface Model {
  readonly weights: Record<string, number>;
  /** Scores closer to 0 than this read as neutral. */
  readonly neutralBelow: number;
}
const trained = model as Model;

/** The logit of "positive" under the weights. */
export function logitOf(features: Features, weights: Readonly<Record<string, number>> = trained.weights): number {
  let z = 0;
  for (const [name, value] of features) z += (Object.hasOwn(weights, name) ? weights[name] : 0) * value;
  return z;
}

export interface SentimentReading {
  readonly sentiment: Sentiment;
  /** 2·P(positive) − 1: from -1 to 1. */
  readonly score: number;
}

export function sentimentOfScore(score: number, neutralBelow = trained.neutralBelow): Sentiment {
  if (Math.abs(score) < neutralBelow) return 'neutral';
  return score > 0 ? 'positive' : 'negative';
}

/** The sentiment of a text (or of one clause of it). */
export function readSentiment(text: string, words?: readonly Word[]): SentimentReading {
  const z = logitOf(featuresOf(text, words));
  const score = Math.round((2 / (1 + Math.exp(-z)) - 1) * 1000) / 1000;
  return { sentiment: sentimentOfScore(score), score };
}
