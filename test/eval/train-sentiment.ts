import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { featuresOf, logitOf, sentimentOfScore, type Features } from '../../lambdas/domain/comments/reading/sentiment';
import { amazonSnippets, classification, themeSet, type SentimentExample } from './datasets';

/*
 * Trains the built-in sentiment model (`npm run train:sentiment`) on the tuning parts of the Amazon review
 * sentences and of the project's customer comments, and writes lambdas/domain/comments/reading/sentiment-model.json.
 * Deterministic: same data, same weights. The held-out parts are only read by test/eval.
 */

const EPOCHS = 30;
/** Strong: the tuning sentences are few, and the words of product reviews should not outvote the lexicon. */
const L2 = 0.1;
/** Weights this small change no reading: left out of the shipped model. */
const PRUNE_BELOW = 0.05;

function train(examples: readonly { features: Features; positive: boolean; weight: number }[]): Record<string, number> {
  const w = new Map<string, number>();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const rate = 0.1 / (1 + epoch * 0.1);
    for (const { features, positive, weight } of examples) {
      let z = 0;
      for (const [name, value] of features) z += (w.get(name) ?? 0) * value;
      const gradient = (positive ? 1 : 0) - 1 / (1 + Math.exp(-z));
      for (const [name, value] of features) w.set(name, (w.get(name) ?? 0) * (1 - rate * L2) + rate * weight * gradient * value);
    }
  }
  return Object.fromEntries([...w].filter(([, v]) => Math.abs(v) >= PRUNE_BELOW).map(([k, v]): [string, number] => [k, Math.round(v * 1000) / 1000]).sort(([a], [b]) => a.localeCompare(b)));
}

const tuneAmazon = amazonSnippets().filter((e) => e.part === 'tune');
const tuneComments = themeSet().filter((e) => e.part === 'tune');
// Customer comments are the domain: each counts as much as several review sentences. Neutral ones teach nothing binary.
const COMMENT_WEIGHT = 10;
const examplesOf = (amazon: readonly SentimentExample[], comments: readonly SentimentExample[]) => [
  ...amazon.map((e) => ({ features: featuresOf(e.text), positive: e.label === 'positive', weight: 1 })),
  ...comments.filter((e) => e.label !== 'neutral').map((e) => ({ features: featuresOf(e.text), positive: e.label === 'positive', weight: COMMENT_WEIGHT })),
];
const weights = train(examplesOf(tuneAmazon, tuneComments));
const scoreWith = (w: Record<string, number>, e: SentimentExample) => 2 / (1 + Math.exp(-logitOf(featuresOf(e.text), w))) - 1;
const scoreOf = (e: SentimentExample) => scoreWith(weights, e);

// The neutral band: the width that reads the tuning comments best (three classes), never wider than 0.6. A
// model reads its own training comments too confidently, so each half is scored by a model trained on the other.
const half = (e: SentimentExample, i: number) => i % 2;
const scored = [0, 1].flatMap((h) => {
  const w = train(examplesOf(tuneAmazon.filter((e, i) => half(e, i) !== h), tuneComments.filter((e, i) => half(e, i) !== h)));
  return tuneComments.filter((e, i) => half(e, i) === h).map((e) => ({ gold: e.label, score: scoreWith(w, e) }));
});
let best = { neutralBelow: 0, macroF1: -1 };
for (let band = 0; band <= 0.6; band += 0.05) {
  const { macroF1 } = classification(scored.map((s) => ({ gold: s.gold, predicted: sentimentOfScore(s.score, band) })));
  if (macroF1 > best.macroF1) best = { neutralBelow: Math.round(band * 100) / 100, macroF1 };
}
const out = join(__dirname, '../../lambdas/domain/comments/reading/sentiment-model.json');
writeFileSync(out, `${JSON.stringify({ trainedOn: 'test/eval tuning parts (scripts: test/eval/train-sentiment.ts)', neutralBelow: best.neutralBelow, weights })}\n`);
const binary = (set: readonly SentimentExample[]) => classification(set.filter((e) => e.label !== 'neutral').map((e) => ({ gold: e.label, predicted: scoreOf(e) >= 0 ? 'positive' : 'negative' })));
console.log(JSON.stringify({ features: Object.keys(weights).length, neutralBelow: best.neutralBelow, tuneAmazon: binary(tuneAmazon), tuneComments: binary(tuneComments), tuneComments3: best.macroF1 }));
