import { HISTOGRAM_PREFIX, SEGMENT_COUNTERS, type Counters } from './aggregates';
import { numericRange, type Survey } from '../surveys/survey';

/**
 * Figures from aggregate counters. Methods (stated in README):
 * - proportions (CSAT top-2-box, bottom box, CES high-effort share): Wilson score interval, 95%;
 * - NPS: promoters − detractors in points, with a 95% adjusted-Wald interval (Rocks, 2016): ¾ of a promoter
 *   and ¾ of a detractor (3 answers in all) are added before the normal interval of the per-response variable
 *   (+1 promoter, 0 passive, −1 detractor) is taken: var = p′ + d′ − (p′ − d′)², margin = 1.96·√(var / (n + 3)).
 *   A plain Wald interval collapses at the extremes (40 promoters of 40: [100, 100]); this one keeps its
 *   coverage there (test/unit/domain/insight/statistics.test.ts simulates it);
 * - CES mean: 95% normal interval from the sample variance (sum and sum of squares are counted);
 * - below {@link TOO_FEW} answers a figure carries `tooFew: true`: it is shown, but barely means anything.
 */
export const TOO_FEW = 30;
const Z95 = 1.959964;
const round1 = (v: number) => Math.round(v * 10) / 10;

export interface Proportion {
  readonly percent: number;
  readonly low: number;
  readonly high: number;
  readonly count: number;
  readonly n: number;
}

export function wilson(count: number, n: number): Proportion {
  if (n <= 0) return { percent: 0, low: 0, high: 0, count, n };
  const p = count / n;
  const centre = p + (Z95 * Z95) / (2 * n);
  const spread = Z95 * Math.sqrt((p * (1 - p)) / n + (Z95 * Z95) / (4 * n * n));
  const denominator = 1 + (Z95 * Z95) / n;
  return { percent: round1(p * 100), low: round1(((centre - spread) / denominator) * 100), high: round1(((centre + spread) / denominator) * 100), count, n };
}

export interface NpsFigure {
  readonly score: number;
  readonly low: number;
  readonly high: number;
  readonly marginOfError: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly n: number;
  readonly tooFew: boolean;
}

export function npsFigure(promoters: number, passives: number, detractors: number): NpsFigure | undefined {
  const n = promoters + passives + detractors;
  if (n === 0) return undefined;
  const score = ((promoters - detractors) / n) * 100;
  const adjusted = n + 3;
  const p = (promoters + 0.75) / adjusted;
  const d = (detractors + 0.75) / adjusted;
  const centre = (p - d) * 100;
  const margin = Z95 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / adjusted) * 100;
  const low = Math.max(-100, centre - margin);
  const high = Math.min(100, centre + margin);
  return {
    score: round1(score),
    low: round1(low),
    high: round1(high),
    // Half the interval's width: the interval is centred on the adjusted estimate, not on the score.
    marginOfError: round1((high - low) / 2),
    promoters,
    passives,
    detractors,
    n,
    tooFew: n < TOO_FEW,
  };
}

export interface MeanFigure {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

export function meanFigure(sum: number, sumOfSquares: number, n: number): MeanFigure | undefined {
  if (n === 0) return undefined;
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1)) : 0;
  const margin = Z95 * Math.sqrt(variance / n);
  return { mean: Math.round(mean * 100) / 100, low: Math.round((mean - margin) * 100) / 100, high: Math.round((mean + margin) * 100) / 100, n };
}

/** One question's answers: the count of every value on its scale, and the share at each end. */
export interface Distribution {
  readonly questionId: string;
  readonly type: string;
  readonly n: number;
  readonly counts: Record<string, number>;
  /** Share answering the very lowest and the very highest value of the scale. */
  readonly extremes: { readonly lowest: Proportion & { readonly value: number }; readonly highest: Proportion & { readonly value: number } };
  readonly tooFew: boolean;
}

export function distributionsOf(counters: Counters, survey: Pick<Survey, 'questions'>): Distribution[] {
  const out: Distribution[] = [];
  for (const q of survey.questions) {
    const range = numericRange(q);
    if (!range) continue;
    const counts: Record<string, number> = {};
    for (let v = range.min; v <= range.max; v++) counts[String(v)] = counters[`${HISTOGRAM_PREFIX}${q.id}:${v}`] ?? 0;
    const n = Object.values(counts).reduce((a, b) => a + b, 0);
    if (n === 0) continue;
    out.push({
      questionId: q.id,
      type: q.type,
      n,
      counts,
      extremes: { lowest: { ...wilson(counts[String(range.min)], n), value: range.min }, highest: { ...wilson(counts[String(range.max)], n), value: range.max } },
      tooFew: n < TOO_FEW,
    });
  }
  return out;
}

export interface Figures {
  readonly responses: number;
  readonly alerts: number;
  readonly nps?: NpsFigure;
  readonly csat?: { readonly n: number; readonly top2Box: Proportion; readonly bottomBox: Proportion; readonly tooFew: boolean };
  readonly ces?: { readonly n: number; readonly mean: MeanFigure; readonly highEffort: Proportion; readonly tooFew: boolean };
  readonly loyalty?: { readonly n: number; readonly meanIndex: number; readonly segments: Record<string, number> };
  readonly distributions: Distribution[];
  readonly tooFew: boolean;
}

/** Every figure of a selection, from its summed counters; distributions always beside any mean. */
export function figuresOf(c: Counters, survey: Pick<Survey, 'questions'>): Figures {
  const get = (name: string) => c[name] ?? 0;
  const nps = npsFigure(get('nps_promoters'), get('nps_passives'), get('nps_detractors'));
  const csatN = get('csat_n');
  const cesN = get('ces_n');
  const loyaltyN = get('loyalty_n');
  const cesMean = meanFigure(get('ces_sum'), get('ces_sumsq'), cesN);
  return {
    responses: get('responses'),
    alerts: get('alerts'),
    ...(nps && { nps }),
    ...(csatN > 0 && { csat: { n: csatN, top2Box: wilson(get('csat_top2'), csatN), bottomBox: wilson(get('csat_bottom'), csatN), tooFew: csatN < TOO_FEW } }),
    ...(cesN > 0 && cesMean && { ces: { n: cesN, mean: cesMean, highEffort: wilson(get('ces_high'), cesN), tooFew: cesN < TOO_FEW } }),
    ...(loyaltyN > 0 && {
      loyalty: { n: loyaltyN, meanIndex: round1(get('loyalty_sum10') / 10 / loyaltyN), segments: Object.fromEntries(SEGMENT_COUNTERS.map((s) => [s.slice('seg_'.length), get(s)])) },
    }),
    distributions: distributionsOf(c, survey),
    tooFew: get('responses') < TOO_FEW,
  };
}

/**
 * Standard normal cumulative distribution Φ(z), from the complementary error function (Numerical Recipes'
 * Chebyshev fit, fractional error below 1.2·10⁻⁷ everywhere): Φ(1.96) = 0.975, Φ(−1.645) = 0.05.
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * Two-proportion z-test (pooled): whether x1 of n1 and x2 of n2 differ. `undefined` when either sample is
 * empty or the pooled proportion is 0 or 1 (no variance: nothing to test). Significant at 95 % when |z| ≥ 1.96.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { z: number } | undefined {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return undefined;
  return { z: (x1 / n1 - x2 / n2) / se };
}

/**
 * z-test on the difference of two independent NPS: each is the mean of a +1/0/−1 variable whose variance is
 * p + d − (p − d)² (p, d: promoter and detractor shares); se = √(var₁/n₁ + var₂/n₂). `undefined` when the
 * standard error is 0 (both samples all one category, or empty).
 */
export function npsDifferenceTest(a: Pick<NpsFigure, 'promoters' | 'detractors' | 'n'>, b: Pick<NpsFigure, 'promoters' | 'detractors' | 'n'>): { z: number } | undefined {
  if (a.n <= 0 || b.n <= 0) return undefined;
  const moments = (f: typeof a) => {
    const [p, d] = [f.promoters / f.n, f.detractors / f.n];
    return { mean: p - d, variance: p + d - (p - d) ** 2 };
  };
  const [x, y] = [moments(a), moments(b)];
  const se = Math.sqrt(x.variance / a.n + y.variance / b.n);
  if (se === 0) return undefined;
  return { z: (x.mean - y.mean) / se };
}
