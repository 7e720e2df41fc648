import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { readComment } from '../../lambdas/domain/comments/analyze';
import { builtinReader } from '../../lambdas/domain/comments/reading/builtin-reader';
import { DEFAULT_TAXONOMY } from '../../lambdas/domain/comments/themes/taxonomy';
import { amazonSnippets, classification, round, themeSet, type SentimentExample } from './datasets';

/*
 * The built-in analyzer on the held-out parts of the labelled sets (never used for training or phrases; see
 * SOURCES.md for the one exception). Prints the figures README quotes, and fails below the floors set from
 * them (a little under each, so a harmless change passes and a real regression does not).
 */

const heldOut = <T extends SentimentExample>(set: T[]) => set.filter((e) => e.part === 'held-out');
const polarity = (score: number) => (score >= 0 ? ('positive' as const) : ('negative' as const));

async function readAll<T extends SentimentExample>(set: T[]) {
  return Promise.all(set.map(async (e) => ({ example: e, reading: await readComment(builtinReader, DEFAULT_TAXONOMY, e.text) })));
}

describe('comment analyzer, held-out figures', () => {
  it('tells positive from negative review sentences better than the lexicon it builds on', async () => {
    const amazon = heldOut(amazonSnippets());
    const read = await readAll(amazon);
    const analyzer = classification(read.map(({ example, reading }) => ({ gold: example.label, predicted: polarity(reading.score ?? 0) })));
    const vader = classification(amazon.map((e) => ({ gold: e.label, predicted: polarity(SentimentIntensityAnalyzer.polarity_scores(e.text).compound) })));
    console.info(`Amazon review sentences, held out (${analyzer.n}): analyzer accuracy ${analyzer.accuracy}, macro-F1 ${analyzer.macroF1}; VADER alone ${vader.accuracy} / ${vader.macroF1}`);
    expect(analyzer.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(analyzer.macroF1 - vader.macroF1).toBeGreaterThanOrEqual(0.1);
  });

  it('reads the sentiment of customer comments, as positive or negative and in three classes', async () => {
    const read = await readAll(heldOut(themeSet()));
    const binary = classification(read.filter(({ example }) => example.label !== 'neutral').map(({ example, reading }) => ({ gold: example.label, predicted: polarity(reading.score ?? 0) })));
    const three = classification(read.map(({ example, reading }) => ({ gold: example.label, predicted: reading.sentiment ?? 'neutral' })));
    console.info(`Customer comments, held out: positive/negative (${binary.n}) accuracy ${binary.accuracy}, macro-F1 ${binary.macroF1}; three classes (${three.n}) accuracy ${three.accuracy}, macro-F1 ${three.macroF1} ${JSON.stringify(three.f1)}`);
    expect(binary.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(three.macroF1).toBeGreaterThanOrEqual(0.6);
  });

  it('finds the themes of customer comments with their precision and recall', async () => {
    const read = await readAll(heldOut(themeSet()));
    const per: Record<string, { tp: number; fp: number; fn: number }> = {};
    for (const id of [...DEFAULT_TAXONOMY.themes.map((t) => t.id), 'unassigned']) per[id] = { tp: 0, fp: 0, fn: 0 };
    for (const { example, reading } of read) {
      const gold = example.themes.length ? example.themes : ['unassigned'];
      const found = reading.themes.length ? reading.themes : ['unassigned'];
      for (const id of Object.keys(per)) {
        if (found.includes(id) && gold.includes(id)) per[id].tp++;
        else if (found.includes(id)) per[id].fp++;
        else if (gold.includes(id)) per[id].fn++;
      }
    }
    const themes = Object.keys(per).filter((id) => id !== 'unassigned');
    const sum = (k: 'tp' | 'fp' | 'fn') => themes.reduce((n, id) => n + per[id][k], 0);
    const micro = { precision: round(sum('tp') / (sum('tp') + sum('fp'))), recall: round(sum('tp') / (sum('tp') + sum('fn'))) };
    const table = Object.entries(per).map(([id, c]) => `${id.padEnd(14)} precision ${round(c.tp / (c.tp + c.fp)).toFixed(3)}  recall ${round(c.tp / (c.tp + c.fn)).toFixed(3)}  (${c.tp + c.fn} labelled)`);
    console.info(`Themes of ${read.length} held-out comments: precision ${micro.precision}, recall ${micro.recall} (over all themes)\n${table.join('\n')}`);
    expect(micro.precision).toBeGreaterThanOrEqual(0.83);
    expect(micro.recall).toBeGreaterThanOrEqual(0.76);
  });
});
