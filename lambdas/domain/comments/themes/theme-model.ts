import model from './theme-model.json';
import { DEFAULT_TAXONOMY } from './taxonomy';
import { matchThemes, type ThemeMatch } from './matching';
import type { Word } from '../reading/words';

/*
 * The default taxonomy's phrases name a theme often where it is not the topic ("the engineer would arrive"
 * is not about delivery). A logistic regression per default theme, over the comment's lemmas, word pairs and
 * which default phrases matched, confirms those matches; trained by test/eval/train-themes.ts on the tuning
 * part of the labelled comments. A survey's own phrases are never second-guessed.
 */

export type Features = Map<string, number>;

export function themeFeaturesOf(words: readonly Word[], defaultMatches: readonly ThemeMatch[] = matchThemes(DEFAULT_TAXONOMY, words)): Features {
  const f: Features = new Map([['bias', 1]]);
  words.forEach((word, i) => {
    f.set(`u:${word.lemma}`, 1);
    if (i > 0 && words[i - 1].clause === word.clause) f.set(`b:${words[i - 1].lemma}_${word.lemma}`, 1);
  });
  for (const m of defaultMatches) {
    f.set(`m:${m.theme}`, 1);
    f.set(`mn:${m.theme}`, Math.min(3, m.phrases.length) / 2);
  }
  return f;
}

interface ThemeModel {
  readonly threshold: number;
  readonly weights: Readonly<Record<string, Readonly<Record<string, number>>>>;
}
const trained = model as ThemeModel;

/** P(the comment is about the theme) under the weights; undefined for a theme the model was not trained on. */
export function themeProbability(theme: string, features: Features, weights: ThemeModel['weights'] = trained.weights): number | undefined {
  const w = Object.hasOwn(weights, theme) ? weights[theme] : undefined;
  if (!w) return undefined;
  let z = 0;
  for (const [name, value] of features) z += (Object.hasOwn(w, name) ? w[name] : 0) * value;
  return 1 / (1 + Math.exp(-z));
}

const DEFAULT_PHRASES = new Map(DEFAULT_TAXONOMY.themes.map((t) => [t.id, new Set(t.phrases)]));

/**
 * The matches that stand: a match by a phrase of the survey's own stands; one by default phrases alone stands
 * when the model agrees the comment is about the theme.
 */
export function confirmMatches(matches: readonly ThemeMatch[], words: readonly Word[], threshold = trained.threshold): ThemeMatch[] {
  let features: Features | undefined;
  return matches.filter((m) => {
    const defaults = DEFAULT_PHRASES.get(m.theme);
    if (!defaults || m.phrases.some((p) => !defaults.has(p))) return true;
    features ??= themeFeaturesOf(words);
    const p = themeProbability(m.theme, features);
    return p === undefined || p >= threshold;
  });
}
