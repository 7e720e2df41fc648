import type { Taxonomy } from './taxonomy';
import { isNumber, wordsOf, type Word } from '../reading/words';

export interface ThemeMatch {
  readonly theme: string;
  /** The taxonomy phrases found, as written in the taxonomy. */
  readonly phrases: readonly string[];
  /** The clauses they were found in (indexes of {@link Word.clause}). */
  readonly clauses: readonly number[];
}

interface CompiledPhrase {
  readonly phrase: string;
  readonly lemmas: readonly string[];
}
interface CompiledTheme {
  readonly id: string;
  readonly phrases: readonly CompiledPhrase[];
  readonly exclude: readonly CompiledPhrase[];
}

const compile = (phrase: string): CompiledPhrase => ({ phrase, lemmas: wordsOf(phrase).map((w) => w.lemma) });
/** Phrases that read the same after lemmas ("app", "apps") are one phrase: the first one written. */
function distinct(phrases: readonly CompiledPhrase[]): CompiledPhrase[] {
  const seen = new Set<string>();
  return phrases.filter((p) => {
    const key = p.lemmas.join(' ');
    if (p.lemmas.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
const compiled = new WeakMap<Taxonomy, readonly CompiledTheme[]>();

function compiledThemes(taxonomy: Taxonomy): readonly CompiledTheme[] {
  let themes = compiled.get(taxonomy);
  if (!themes) {
    themes = taxonomy.themes.map((t) => ({ id: t.id, phrases: distinct(t.phrases.map(compile)), exclude: distinct((t.exclude ?? []).map(compile)) }));
    compiled.set(taxonomy, themes);
  }
  return themes;
}

/** Where a phrase's lemmas occur in the words: [start, end) spans. */
function spansOf(words: readonly Word[], lemmas: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i + lemmas.length <= words.length; i++) {
    let j = 0;
    while (j < lemmas.length && (words[i + j].lemma === lemmas[j] || words[i + j].text === lemmas[j] || (lemmas[j] === '#' && isNumber(words[i + j])))) j++;
    if (j === lemmas.length) spans.push([i, i + lemmas.length]);
  }
  return spans;
}

/**
 * The themes a comment names, in taxonomy order, each with the phrases that named it and where. A match inside
 * one of the theme's `exclude` phrases does not count. Nothing is forced: no match, no theme.
 */
export function matchThemes(taxonomy: Taxonomy, words: readonly Word[]): ThemeMatch[] {
  const matches: ThemeMatch[] = [];
  for (const theme of compiledThemes(taxonomy)) {
    const excluded = theme.exclude.flatMap((p) => spansOf(words, p.lemmas));
    const phrases = new Set<string>();
    const clauses = new Set<number>();
    for (const p of theme.phrases) {
      for (const [start, end] of spansOf(words, p.lemmas)) {
        if (excluded.some(([s, e]) => start < e && s < end)) continue;
        phrases.add(p.phrase);
        clauses.add(words[start].clause);
      }
    }
    if (phrases.size > 0) matches.push({ theme: theme.id, phrases: [...phrases], clauses: [...clauses] });
  }
  return matches;
}

