import fc from 'fast-check';
import { addCounters, aggregateKeyId, countersOf, deltaOf, isoWeek, mergeDeltas, type AggregateDelta } from '../../../../lambdas/domain/insight/aggregates';
import type { SurveyResponse } from '../../../../lambdas/domain/surveys/response';
import { loyaltySegment, scoreResponse } from '../../../../lambdas/domain/scoring/scoring';
import { figuresOf, meanFigure, npsFigure, wilson } from '../../../../lambdas/domain/insight/statistics';
import { caseMetrics, coveringPeriods, funnelOf, lastDayOf, periodWithin, rollUp, wholePeriods, periodsBetween, reportRange, summarize, trendOf, type Cell } from '../../../../lambdas/domain/insight/reports';
import type { AlertCase } from '../../../../lambdas/domain/loop/alerts';
import { response, survey } from '../../support/fixtures';

const s = survey();
const scored = (answers: SurveyResponse['answers'], overrides: Partial<SurveyResponse> = {}): SurveyResponse => {
  const base = response(answers, overrides);
  return { ...base, scores: scoreResponse(s, base.answers, base.revision) };
};
const arbitraryResponse = fc
  .record({
    nps: fc.integer({ min: 0, max: 10 }),
    csat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    effort: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
    day: fc.integer({ min: 1, max: 28 }),
    touchpoint: fc.constantFrom('delivery', 'returns'),
    channel: fc.constantFrom('web', 'email', 'sms') as fc.Arbitrary<SurveyResponse['channel']>,
  })
  .map((r) =>
    scored(
      { nps: r.nps, ...(r.csat !== undefined && { csat: r.csat }), ...(r.effort !== undefined && { effort: r.effort }) },
      { submittedAt: `2026-10-${String(r.day).padStart(2, '0')}T10:00:00Z`, touchpoint: r.touchpoint, channel: r.channel },
    ),
  );

const total = (deltas: readonly AggregateDelta[], granularity = 'D') => deltas.filter((d) => d.key.granularity === granularity).reduce((c, d) => addCounters(c, d.counters), {} as Record<string, number>);

describe('aggregate deltas', () => {
  it('count a scored response once per day and month; nothing before it is scored for its revision', () => {
    const r = scored({ nps: 3, csat: 5, effort: 6 });
    // Days and months are stored; a week is summed from its days when read.
    expect(deltaOf(undefined, r).map((d) => `${d.key.granularity} ${d.key.period}`)).toEqual(['D 2026-11-24', 'M 2026-11']);
    expect(countersOf(r)).toMatchObject({ responses: 1, nps_n: 1, nps_detractors: 1, csat_n: 1, csat_top2: 1, ces_n: 1, ces_sum: 6, ces_sumsq: 36, ces_high: 1, 'h:nps:3': 1, 'h:csat:5': 1, 'h:effort:6': 1 });
    expect(deltaOf(undefined, { ...r, revision: 2 })).toEqual([]);
    expect(deltaOf(undefined, response({ nps: 3 }))).toEqual([]);
  });

  it('a revision takes the old counts back and adds the new ones; an unchanged count makes no delta', () => {
    const first = scored({ nps: 3 });
    const revised = { ...scored({ nps: 9 }, { revision: 2 }) };
    expect(total(deltaOf(first, revised))).toEqual({ nps_detractors: -1, nps_promoters: 1, 'h:nps:3': -1, 'h:nps:9': 1, loyalty_sum10: 600 });
    expect(deltaOf(first, { ...first, processingFailure: { step: 'email', message: 'x', at: '' } } as SurveyResponse)).toEqual([]);
  });

  it('any history of images sums to the counts of the last one, in any batching (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(arbitraryResponse, { nil: undefined }), { minLength: 1, maxLength: 6 }), (images) => {
        const deltas = images.flatMap((image, i) => deltaOf(i === 0 ? undefined : images[i - 1], image));
        const last = images[images.length - 1];
        const expected = last ? deltaOf(undefined, last) : [];
        const sorted = (list: AggregateDelta[]) => list.sort((a, b) => aggregateKeyId(a.key).localeCompare(aggregateKeyId(b.key)));
        expect(sorted(mergeDeltas(deltas))).toEqual(sorted(mergeDeltas(expected)));
      }),
    );
  });
});

describe('ISO weeks and periods', () => {
  it('follow ISO 8601 at year ends', () => {
    expect(['2021-01-03', '2021-01-04', '2024-12-30', '2027-01-01'].map(isoWeek)).toEqual(['2020-W53', '2021-W01', '2025-W01', '2026-W53']);
    expect(periodsBetween('W', { from: '2026-11-01', to: '2026-11-24' })).toEqual(['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48']);
  });

  it('default to the last 90 days, refuse a reversed or over-long range naming the field', () => {
    expect(reportRange({}, new Date('2026-11-24T12:00:00Z'))).toEqual({ from: '2026-08-27', to: '2026-11-24' });
    expect(reportRange({ from: '2026-11-25', to: '2026-11-24' }, new Date())).toMatchObject({ field: 'from' });
    expect(reportRange({ from: '2024-01-01', to: '2026-11-24' }, new Date())).toMatchObject({ field: 'from' });
    // Years the calendar arithmetic cannot leave safely: refused, not a 500.
    for (const day of ['0000-01-01', '0099-06-01', '1000-01-01', '1969-12-31', '9999-12-31']) expect(reportRange({ from: '2026-01-01', to: day }, new Date())).toMatchObject({ field: 'to' });
    expect(reportRange({ from: '9998-12-01', to: '9998-12-31' }, new Date())).toEqual({ from: '9998-12-01', to: '9998-12-31' });
    expect(reportRange({ from: '2026-02-30' }, new Date())).toMatchObject({ field: 'from' });
    expect(reportRange({ to: '2026-1-1' }, new Date())).toMatchObject({ field: 'to' });
  });
});

describe('statistics against known values', () => {
  it('Wilson interval', () => {
    // 8 of 10: p = 0.8, 95% Wilson interval 0.4902–0.9433 (Newcombe 1998, and any statistics package).
    expect(wilson(8, 10)).toEqual({ percent: 80, low: 49, high: 94.3, count: 8, n: 10 });
    expect(wilson(0, 20)).toMatchObject({ percent: 0, low: 0, high: 16.1 });
  });

  it('NPS with its margin of error', () => {
    // 50 promoters, 30 passives, 20 detractors: NPS 30; adjusted p′ = 50.75/103, d′ = 20.75/103, centre 29.1,
    // var = p′ + d′ − (p′ − d′)² = .610; margin = 1.96·√(.610/103)·100 = 15.1.
    expect(npsFigure(50, 30, 20)).toEqual({ score: 30, low: 14.1, high: 44.2, marginOfError: 15.1, promoters: 50, passives: 30, detractors: 20, n: 100, tooFew: false });
    // At the extremes the interval does not collapse to a point.
    expect(npsFigure(1, 0, 0)).toMatchObject({ score: 100, low: -48.5, high: 98.5, tooFew: true });
    expect(npsFigure(40, 0, 0)).toMatchObject({ score: 100, low: 83.6, high: 100, marginOfError: 8.2, tooFew: false });
    expect(npsFigure(0, 0, 0)).toBeUndefined();
  });

  it('mean with its interval from the sum and the sum of squares', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd 2.138; 1.96·2.138/√8 = 1.48.
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(meanFigure(values.reduce((a, b) => a + b), values.reduce((a, b) => a + b * b, 0), values.length)).toEqual({ mean: 5, low: 3.52, high: 6.48, n: 8 });
  });

  it('the loyalty matrix', () => {
    expect(loyaltySegment({ recommend: 90, repurchase: 80, retention: 90 })).toBe('loyal');
    expect(loyaltySegment({ recommend: 90, retention: 20 })).toBe('accessible');
    expect(loyaltySegment({ recommend: 10, repurchase: 30, retention: 100 })).toBe('trapped');
    expect(loyaltySegment({ recommend: 10, retention: 10 })).toBe('at-risk');
    expect(loyaltySegment({ recommend: 90 })).toBeUndefined();
  });
});

describe('reports', () => {
  const cells: Cell[] = [
    { period: '2026-10-05', touchpoint: 'delivery', channel: 'web', counters: { responses: 2, nps_promoters: 1, nps_detractors: 1, 'h:nps:10': 1, 'h:nps:0': 1 } },
    { period: '2026-10-20', touchpoint: 'returns', channel: 'email', counters: { responses: 1, nps_passives: 1, 'h:nps:7': 1 } },
  ];
  it('summarize the range with the NPS of the selection, distributions and extremes, grouped', () => {
    const summary = summarize(s, { from: '2026-10-01', to: '2026-10-31' }, cells, 'touchpoint');
    expect(summary.total).toMatchObject({ responses: 3, nps: { score: 0, n: 3, tooFew: true }, tooFew: true });
    const nps = summary.total.distributions.find((d) => d.questionId === 'nps')!;
    expect(nps.counts).toMatchObject({ '0': 1, '7': 1, '10': 1, '5': 0 });
    expect(nps.extremes.lowest).toMatchObject({ value: 0, count: 1, percent: 33.3 });
    expect(summary.groups.map((g) => `${g.key}:${g.figures.responses}`)).toEqual(['delivery:2', 'returns:1']);
    expect(figuresOf({}, s)).toMatchObject({ responses: 0, distributions: [] });
  });

  it('trend per period with the change from the one before, null where there is no data', () => {
    const trend = trendOf(s, { from: '2026-10-05', to: '2026-10-20' }, 'day', 'responses', 'none', cells, new Date('2026-11-24T12:00:00Z'));
    expect(trend.periods).toHaveLength(16);
    expect(trend.series[0].points[0]).toMatchObject({ period: '2026-10-05', value: 2, change: null });
    const nps = trendOf(s, { from: '2026-10-05', to: '2026-10-20' }, 'day', 'nps', 'touchpoint', cells, new Date('2026-11-24T12:00:00Z'));
    expect(nps.series.map((x) => x.name)).toEqual(['delivery', 'returns']);
    expect(nps.series[0].points[1]).toMatchObject({ value: null, change: null });
  });

  it('cover a long range with month cells and the days around them, to the same totals as day cells', () => {
    expect(coveringPeriods({ from: '2025-12-02', to: '2026-12-01' })).toEqual({
      months: { from: '2026-01', to: '2026-11' },
      days: [{ from: '2025-12-02', to: '2025-12-31' }, { from: '2026-12-01', to: '2026-12-01' }],
    });
    expect(coveringPeriods({ from: '2026-01-01', to: '2026-12-31' })).toEqual({ months: { from: '2026-01', to: '2026-12' }, days: [] });
    expect(coveringPeriods({ from: '2026-02-03', to: '2026-02-20' })).toEqual({ days: [{ from: '2026-02-03', to: '2026-02-20' }] });
    // A year of day cells, and the month cells the stream keeps beside them.
    const days: Cell[] = [];
    for (let t = Date.parse('2025-11-01T00:00:00Z'); t < Date.parse('2026-12-31T00:00:00Z'); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const promoters = (t / 86_400_000) % 7;
      days.push({ period: day, touchpoint: 'store', channel: 'web', counters: { responses: promoters + 2, nps_promoters: promoters, nps_detractors: 2, 'h:nps:10': promoters, 'h:nps:0': 2 } });
    }
    const months = new Map<string, Cell>();
    for (const d of days) {
      const m = months.get(d.period.slice(0, 7)) ?? { period: d.period.slice(0, 7), touchpoint: 'store', channel: 'web', counters: {} };
      for (const [k, v] of Object.entries(d.counters)) (m.counters as Record<string, number>)[k] = (m.counters[k] ?? 0) + v;
      months.set(m.period, m);
    }
    const range = { from: '2025-12-02', to: '2026-12-01' };
    const { months: whole, days: edges } = coveringPeriods(range);
    const covering = [...[...months.values()].filter((m) => m.period >= whole!.from && m.period <= whole!.to), ...days.filter((d) => edges.some((e) => d.period >= e.from && d.period <= e.to))];
    expect(covering.length).toBeLessThan(50);
    expect(summarize(s, range, covering).total).toEqual(summarize(s, range, days).total);
    expect(periodWithin('2026-W05', { from: '2026-01-26', to: '2026-02-01' })).toBe(true);
    expect(periodWithin('2026-W05', { from: '2026-01-27', to: '2026-02-01' })).toBe(false);
  });

  it('sum day cells into the weeks they belong to, over whole weeks', () => {
    expect(wholePeriods('W', { from: '2026-11-25', to: '2026-12-01' })).toEqual({ from: '2026-11-23', to: '2026-12-06' });
    const weeks = rollUp(
      [
        { period: '2026-11-23', touchpoint: 'a', channel: 'web', counters: { responses: 2 } },
        { period: '2026-11-29', touchpoint: 'a', channel: 'web', counters: { responses: 3 } },
        { period: '2026-11-30', touchpoint: 'a', channel: 'web', counters: { responses: 1 } },
        { period: '2026-11-30', touchpoint: 'b', channel: 'web', counters: { responses: 4 } },
      ],
      'W',
    );
    expect(weeks.map((w) => `${w.period} ${w.touchpoint} ${w.counters.responses}`)).toEqual(['2026-W48 a 5', '2026-W49 a 1', '2026-W49 b 4']);
  });

  it('mark the period that is not over yet as partial, not as a drop', () => {
    // Tuesday 2026-10-20: its week (W43, to Sunday 25 October) and its month are still going.
    const now = new Date('2026-10-20T09:00:00Z');
    const weeks = trendOf(s, { from: '2026-10-05', to: '2026-10-20' }, 'week', 'responses', 'none', [], now);
    expect(weeks.series[0].points.map((p) => [p.period, p.partial])).toEqual([['2026-W41', false], ['2026-W42', false], ['2026-W43', true]]);
    expect(trendOf(s, { from: '2026-09-01', to: '2026-10-20' }, 'month', 'responses', 'none', [], now).series[0].points.map((p) => p.partial)).toEqual([false, true]);
    expect(lastDayOf('W', '2026-W53')).toBe('2027-01-03');
    expect(lastDayOf('W', '2026-W01')).toBe('2026-01-04');
    expect(lastDayOf('M', '2028-02')).toBe('2028-02-29');
  });

  it('the funnel: invitations and their answers per channel, clicks without an answer', () => {
    const funnel = funnelOf(
      [
        { period: '2026-10-05', touchpoint: 'delivery', channel: 'email', counters: { inv_sent: 10, inv_opened: 6, inv_answered: 4, inv_completed: 3 } },
        { period: '2026-10-06', touchpoint: 'delivery', channel: 'web', counters: { responses: 3 } },
      ],
      { from: '2026-10-01', to: '2026-10-31' },
    );
    expect(funnel).toEqual([{ channel: 'email', invited: 10, delivered: 0, bounced: 0, opened: 6, answered: 4, completed: 3, openedWithoutAnswer: 2, responseRate: expect.objectContaining({ percent: 40 }) }]);
  });

  it('case metrics: times to acknowledge and resolve, open cases by age', () => {
    const c = (createdAt: string, more: Partial<AlertCase>) => ({ createdAt, status: 'open', ...more }) as AlertCase;
    const metrics = caseMetrics(
      [c('2026-11-20T00:00:00Z', { acknowledgedAt: '2026-11-20T02:00:00Z', status: 'resolved', resolvedAt: '2026-11-21T00:00:00Z' }), c('2026-11-23T00:00:00Z', { acknowledgedAt: '2026-11-23T06:00:00Z', status: 'acknowledged' }), c('2026-11-10T00:00:00Z', {})],
      { from: '2026-11-01', to: '2026-11-24' },
      new Date('2026-11-24T12:00:00Z'),
    );
    expect(metrics).toMatchObject({ opened: 3, acknowledged: 2, resolved: 1, hoursToAcknowledge: { median: 2, p90: 6, n: 2 }, hoursToResolve: { median: 24, n: 1 }, openByAge: { '1to3d': 1, over7d: 1 } });
  });
});
