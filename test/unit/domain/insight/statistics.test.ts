import { npsFigure } from '../../../../lambdas/domain/insight/statistics';

/** A seeded generator, so the simulation is the same on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Share of samples of n answers whose 95 % NPS interval holds the true NPS. */
function coverage(n: number, promoters: number, detractors: number, samples = 10_000): number {
  const next = random(20261201);
  const truth = (promoters - detractors) * 100;
  let covered = 0;
  for (let i = 0; i < samples; i++) {
    let p = 0;
    let d = 0;
    for (let j = 0; j < n; j++) {
      const u = next();
      if (u < promoters) p++;
      else if (u < promoters + detractors) d++;
    }
    const figure = npsFigure(p, n - p - d, d)!;
    // The figure is rounded to one decimal: compare with the same precision.
    if (truth >= figure.low - 0.05 && truth <= figure.high + 0.05) covered++;
  }
  return covered / samples;
}

describe('the NPS interval keeps its coverage', () => {
  it.each([
    [30, 0.9, 0.02],
    [30, 0.98, 0.01],
    [30, 0.5, 0.2],
    [100, 0.95, 0.01],
    [30, 0.34, 0.33],
  ])('n = %i, promoters %f, detractors %f: at least 93 %% of 95 %% intervals hold the true NPS', (n, p, d) => {
    expect(coverage(n, p, d)).toBeGreaterThanOrEqual(0.93);
  });
});
