import type { Counters } from '../../../../lambdas/domain/insight/aggregates';
import type { Cell } from '../../../../lambdas/domain/insight/reports';
import { npsDifferenceTest, twoProportionTest } from '../../../../lambdas/domain/insight/statistics';
import { impactOf, phraseSuggestions, previousRange, readAnalysed, themeShares, themesReport, ThemesQuerySchema } from '../../../../lambdas/domain/insight/themes-report';
import type { Caller } from '../../../../lambdas/domain/people/roles';
import type { SurveyResponse } from '../../../../lambdas/domain/surveys/response';

const range = { from: '2026-11-01', to: '2026-11-30' };

/** 10 comments analysed, 40 NPS answers (20 promoters, 10 passives, 10 detractors: NPS 25). */
const now: Counters = {
  responses: 40,
  nps_n: 40,
  nps_promoters: 20,
  nps_passives: 10,
  nps_detractors: 10,
  cm_n: 10,
  cm_neg: 4,
  cm_neu: 2,
  cm_pos: 3,
  'th:delivery': 5,
  'th:delivery:neg': 4,
  'th:delivery:pos': 1,
  'th:delivery:nps_n': 5,
  'th:delivery:prom': 1,
  'th:delivery:det': 3,
  'th:staff': 3,
  'th:staff:pos': 3,
  'th:staff:nps_n': 3,
  'th:staff:prom': 3,
  'th:unassigned': 4,
};
/** The 30 days before: 100 comments, delivery in 10 of them (5 promoters, 3 passives, 2 detractors: NPS 30). */
const before: Counters = { cm_n: 100, 'th:delivery': 10, 'th:delivery:nps_n': 10, 'th:delivery:prom': 5, 'th:delivery:det': 2, 'th:refunds': 1 };

describe('the themes report', () => {
  const report = themesReport('s1', range, now, before);
  const row = (theme: string) => report.themes.find((t) => t.theme === theme)!;

  it('takes the summary query without groupBy, and compares with the period of the same length just before', () => {
    expect(ThemesQuerySchema.safeParse({ surveyId: 's1', from: '2026-11-01', touchpoint: 'store', channel: 'web' }).success).toBe(true);
    expect(ThemesQuerySchema.safeParse({ surveyId: 's1', channel: 'carrier-pigeon' }).success).toBe(false);
    expect(previousRange(range)).toEqual({ from: '2026-10-02', to: '2026-10-31' });
    expect(previousRange({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(report.previous).toEqual({ from: '2026-10-02', to: '2026-10-31', analysed: 100 });
  });

  it('counts the analysed comments and their sentiment (the rest were not read)', () => {
    expect(report.analysed).toBe(10);
    expect(report.sentiment).toEqual({ negative: 4, neutral: 2, positive: 3, unread: 1 });
    expect(report.nps?.score).toBe(25);
  });

  it('sorts themes by mentions with unassigned last, and works each figure out as by hand', () => {
    expect(report.themes.map((t) => t.theme)).toEqual(['delivery', 'staff', 'refunds', 'unassigned']);
    const delivery = row('delivery');
    expect(delivery).toMatchObject({ label: 'Delivery and timing', mentions: 5, negative: 4, positive: 1 });
    expect(delivery.share).toMatchObject({ percent: 50, count: 5, n: 10 });
    // NPS of the 5 responses mentioning delivery: (1 − 3) / 5 = −40.
    expect(delivery.nps).toMatchObject({ score: -40, promoters: 1, passives: 1, detractors: 3, n: 5, tooFew: true });
    expect(delivery.nps!.low).toBeLessThan(-40);
    // Without them: (19 − 7) / 35 = 34.29; 25 − 34.29 = −9.3 (delivery pulls the score down).
    expect(delivery.impact).toBe(-9.3);
    // Staff: all 3 promoters; without them (17 − 10) / 37 = 18.92; 25 − 18.92 = +6.1.
    expect(row('staff').impact).toBe(6.1);
    expect(row('unassigned')).toMatchObject({ mentions: 4, impact: null });
    expect(row('unassigned').nps).toBeUndefined();
    expect(impactOf({}, 'delivery')).toBeNull();
  });

  it('flags a change in share as significant (two-proportion z-test) and an NPS change that is not', () => {
    const delivery = row('delivery');
    expect(delivery.previous).toMatchObject({ mentions: 10, share: { percent: 10 }, nps: { score: 30 } });
    // Pooled p = 15/110; se = √(p(1 − p)(1/10 + 1/100)) = 0.1138; z = (0.5 − 0.1) / 0.1138 = 3.51.
    expect(delivery.change).toMatchObject({ share: 40, shareSignificant: true, nps: -70, npsSignificant: false });
    expect(delivery.change.shareZ).toBeCloseTo(3.51, 2);
    // NPS −0.4 (var 0.8 − 0.16 = 0.64, n 5) against 0.3 (var 0.7 − 0.09 = 0.61, n 10): se = √(0.128 + 0.061) = 0.4347, z = −1.61.
    expect(delivery.change.npsZ).toBeCloseTo(-1.61, 2);
    // Staff was not mentioned before: 3 of 10 against 0 of 100 is significant; no NPS before, no NPS change.
    expect(row('staff').change).toMatchObject({ share: 30, shareSignificant: true, nps: null, npsZ: null, npsSignificant: false });
    // Refunds: 0 of 10 against 1 of 100: no evidence of a change.
    expect(row('refunds').change).toMatchObject({ share: -1, shareSignificant: false });
  });

  it('tests proportions and NPS differences at the 5 % level on both sides of 1.96, and not without variance', () => {
    expect(twoProportionTest(60, 100, 45, 100)!.z).toBeCloseTo(2.12, 2);
    expect(twoProportionTest(55, 100, 45, 100)!.z).toBeCloseTo(1.41, 2);
    expect(twoProportionTest(1, 10, 0, 0)).toBeUndefined();
    expect(twoProportionTest(0, 10, 0, 10)).toBeUndefined();
    // 40 against 10: var 0.6 − 0.16 = 0.44 and 0.5 − 0.01 = 0.49; se = √(0.0044 + 0.0049) = 0.0964; z = 0.3 / 0.0964 = 3.11.
    expect(npsDifferenceTest({ promoters: 50, detractors: 10, n: 100 }, { promoters: 30, detractors: 20, n: 100 })!.z).toBeCloseTo(3.11, 2);
    // 20 against 15: var 0.56 and 0.5275; se = 0.1043; z = 0.48.
    expect(npsDifferenceTest({ promoters: 40, detractors: 20, n: 100 }, { promoters: 35, detractors: 20, n: 100 })!.z).toBeCloseTo(0.48, 2);
    expect(npsDifferenceTest({ promoters: 3, detractors: 0, n: 3 }, { promoters: 2, detractors: 0, n: 2 })).toBeUndefined();
  });

  it('gives each theme its share per period for the trend', () => {
    const cells: Cell[] = [
      { period: '2026-W45', touchpoint: 't', channel: 'web', counters: { cm_n: 4, 'th:delivery': 1 } },
      { period: '2026-W45', touchpoint: 't', channel: 'sms', counters: { cm_n: 4, 'th:delivery': 3 } },
      { period: '2026-W46', touchpoint: 't', channel: 'web', counters: { cm_n: 2 } },
    ];
    expect(themeShares(cells, ['2026-W45', '2026-W46', '2026-W47'], ['delivery'])).toEqual([{ name: 'delivery', values: [50, 0, null] }]);
  });
});

let next = 0;
function response(category: 'promoter' | 'passive' | 'detractor', phrases: string[], extra: { matches?: Record<string, string[]>; stale?: boolean; touchpoint?: string } = {}): SurveyResponse {
  const value = category === 'promoter' ? 10 : category === 'passive' ? 8 : 2;
  return {
    id: `r${++next}`,
    surveyId: 's1',
    channel: 'web',
    touchpoint: extra.touchpoint ?? 'store',
    answers: { nps: value, comment: phrases.join(', ') },
    status: 'complete',
    submittedAt: '2026-11-10T10:00:00.000Z',
    revision: 2,
    scores: { nps: { questionId: 'nps', value, category }, severity: 'none', revision: 2 },
    analysis: {
      revision: extra.stale ? 1 : 2,
      analyzer: 'builtin',
      taxonomyVersion: 1,
      sentiment: 'negative',
      themes: Object.keys(extra.matches ?? {}),
      themeSentiments: {},
      matches: extra.matches ?? {},
      phrases,
      analyzedAt: '2026-11-10T10:00:01.000Z',
    },
  };
}

describe('phrase suggestions', () => {
  const responses = [
    response('detractor', ['loud music', 'Loud  music', 'parking fee']),
    response('detractor', ['loud music', 'parking fee']),
    response('detractor', ['loud music', 'parking fee']),
    response('detractor', ['loud music', 'long queue']),
    response('detractor', ['rude manager', 'long queue']),
    response('detractor', ['rude manager', 'long queue']),
    response('promoter', ['loud music', 'long queue']),
    ...[1, 2, 3, 4].map(() => response('promoter', ['long queue'])),
    response('promoter', [], { matches: { facilities: ['Parking'] } }),
    response('passive', ['loud music', 'loud music']),
    response('detractor', ['stale phrase', 'stale phrase'], { stale: true }),
  ];

  it('ranks phrases over-represented among detractors by smoothed log-odds, leaving out theme phrases, rare and promoter phrases', () => {
    const s = phraseSuggestions(responses, false);
    expect(s).toMatchObject({ sampled: false, read: responses.length, detractors: 6, promoters: 6 });
    // cold food: 4 of 6 detractors, 1 of 6 promoters: ln(4.5/2.5) − ln(1.5/5.5) = 1.89.
    // parking fee holds the theme phrase "parking"; rude manager has 2 detractors; long queue leans to promoters.
    expect(s.phrases).toEqual([{ phrase: 'loud music', detractors: 4, promoters: 1, logOdds: 1.89, z: expect.any(Number) }]);
    expect(s.phrases[0].z).toBeCloseTo(1.89 / Math.sqrt(1 / 4.5 + 1 / 2.5 + 1 / 1.5 + 1 / 5.5), 1);
  });

  it('keeps at most ten, and says when the read was sampled', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => `phrase ${String.fromCharCode(97 + i)}`);
    const s = phraseSuggestions([0, 1, 2].flatMap(() => [response('detractor', twelve), response('promoter', ['fine'])]), true);
    expect(s.sampled).toBe(true);
    expect(s.phrases).toHaveLength(10);
  });

  it('reads the analysed responses the caller may see, none for an analyst, and says when it stopped early', async () => {
    const pages = [Array.from({ length: 200 }, () => response('detractor', ['x'])), [response('promoter', ['y'], { touchpoint: 'online' })]];
    const store = {
      listResponsesSubmitted: jest.fn(async (_s: string, _d: unknown, page: { cursor?: string }) => {
        const i = Number(page.cursor ?? 0);
        return { items: pages[i], ...(i + 1 < pages.length && { nextCursor: String(i + 1) }) };
      }),
    };
    const admin: Caller = { keyName: 'a', role: 'admin', scope: {} };
    const analyst: Caller = { keyName: 'b', role: 'analyst', scope: {} };
    const manager: Caller = { keyName: 'c', role: 'manager', scope: { touchpoints: ['online'] } };
    expect((await readAnalysed(store, admin, 's1', range, {})).items).toHaveLength(201);
    expect((await readAnalysed(store, admin, 's1', range, { touchpoint: 'online' })).items).toHaveLength(1);
    expect((await readAnalysed(store, manager, 's1', range, {})).items.map((r) => r.touchpoint)).toEqual(['online']);
    expect(await readAnalysed(store, analyst, 's1', range, {})).toEqual({ items: [], sampled: false });
  });
});
