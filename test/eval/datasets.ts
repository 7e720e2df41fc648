import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The labelled comments the analyzer is tuned and measured on. Each row is in the tuning part or the held-out
 * part by a hash of its id, so the split never changes and never depends on the text.
 */

export type Part = 'tune' | 'held-out';
export const partOf = (id: string): Part => (createHash('sha1').update(id).digest()[0] % 2 === 0 ? 'held-out' : 'tune');

export interface SentimentExample {
  readonly id: string;
  readonly text: string;
  readonly label: 'negative' | 'neutral' | 'positive';
  readonly part: Part;
}

const rows = (file: string) =>
  readFileSync(join(__dirname, file), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'));

/**
 * Sentences of Amazon product reviews rated by 20 people each from -4 to 4 (Hutto & Gilbert, 2014; MIT
 * licence; see SOURCES.md). A mean of at least 0.5 either way is positive or negative; the rest are left
 * out of the binary measure as too close to neutral to call.
 */
export function amazonSnippets(): SentimentExample[] {
  return rows('amazon-review-snippets.tsv').flatMap(([id, mean, ...text]) => {
    const m = Number(mean);
    if (Math.abs(m) < 0.5) return [];
    return [{ id: `amazon-${id}`, text: text.join('\t'), label: m > 0 ? ('positive' as const) : ('negative' as const), part: partOf(id) }];
  });
}

export interface ThemeExample extends SentimentExample {
  /** Empty when the comment is about none of the themes. */
  readonly themes: readonly string[];
}

/** Customer comments written and labelled with sentiment and themes for this project (test/eval/themes.tsv). */
export function themeSet(): ThemeExample[] {
  return rows('themes.tsv').map(([id, label, themes, text]) => ({
    id,
    text,
    label: label as ThemeExample['label'],
    themes: themes === 'unassigned' ? [] : themes.split(','),
    part: partOf(id),
  }));
}

/** Accuracy and macro-F1 over the labels present in the gold set. */
export function classification<L extends string>(pairs: readonly { gold: L; predicted: L }[]) {
  const labels = [...new Set(pairs.map((p) => p.gold))].sort();
  const f1 = labels.map((label) => {
    const tp = pairs.filter((p) => p.gold === label && p.predicted === label).length;
    const fp = pairs.filter((p) => p.gold !== label && p.predicted === label).length;
    const fn = pairs.filter((p) => p.gold === label && p.predicted !== label).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  const accuracy = pairs.filter((p) => p.gold === p.predicted).length / pairs.length;
  return { n: pairs.length, accuracy: round(accuracy), macroF1: round(f1.reduce((a, b) => a + b, 0) / labels.length), f1: Object.fromEntries(labels.map((l, i) => [l, round(f1[i])])) };
}

export const round = (x: number) => Math.round(x * 1000) / 1000;
