import { mentionsTheme, isThemeId } from '../../../lambdas/domain/insight/drill-down';
import { themesReport } from '../../../lambdas/domain/insight/themes-report';
import type { SurveyResponse } from '../../../lambdas/domain/surveys/response';
import { themesSection, themesViewOf } from '../../../lambdas/views/themes';

const counters = {
  nps_promoters: 5, nps_passives: 0, nps_detractors: 5, cm_n: 10,
  'th:delivery': 4, 'th:delivery:nps_n': 4, 'th:delivery:det': 4,
  'th:price': 2, 'th:price:nps_n': 2, 'th:price:det': 1,
  'th:staff': 5, 'th:staff:nps_n': 5, 'th:staff:prom': 5,
  'th:<script>': 1,
};
const report = themesReport('s1', { from: '2026-11-01', to: '2026-11-30' }, counters, {});
const weekly = { periods: ['2026-W45'], periodLabels: ['2026-11-02'], partial: [false], shares: (ids: readonly string[]) => ids.map((name) => ({ name, values: [50] })) };

describe('the themes section', () => {
  it('marks the two themes with the most negative impact, links each theme for roles that see responses, and trends the top three', () => {
    const view = themesViewOf(report, weekly, (t) => `/dashboard/responses?theme=${t}`);
    // Overall NPS 0; without delivery's 4 detractors (5 − 1) / 6 = 66.7, without price's (5 − 4) / 8 = 12.5; staff lifts it.
    expect(view.rows.map((r) => [r.theme, r.pullsDown ?? ''])).toEqual([
      ['staff', ''],
      ['delivery', 'pulls the NPS down 66.7 points'],
      ['price', 'pulls the NPS down 12.5 points'],
      ['<script>', ''],
    ]);
    expect(view.rows.filter((r) => r.pullsDown).map((r) => r.theme)).toEqual(['delivery', 'price']);
    expect(view.trend?.series.map((s) => s.name)).toEqual(['Staff and service', 'Delivery and timing', 'Price and billing']);
    const html = themesSection(view);
    expect(html).toContain('href="/dashboard/responses?theme=delivery"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });

  it('has no links for an analyst, and says when nothing was analysed', () => {
    expect(themesSection(themesViewOf(report, weekly))).not.toContain('/dashboard/responses');
    expect(themesSection(themesViewOf(themesReport('s1', { from: '2026-11-01', to: '2026-11-30' }, {}, {}), weekly))).toContain('No analysed comments in this period.');
  });
});

describe('the drill-down by theme', () => {
  const base = { id: 'r', surveyId: 's1', channel: 'web', touchpoint: 't', answers: {}, status: 'complete', submittedAt: '2026-11-02T10:00:00Z', revision: 2 } as const;
  const analysis = (themes: string[], revision = 2) => ({ revision, analyzer: 'builtin', taxonomyVersion: 1, themes, themeSentiments: {}, matches: {}, phrases: [], analyzedAt: '' }) as const;
  it('keeps responses whose current analysis holds the theme; unassigned is an analysis without themes', () => {
    const r = (themes: string[], revision?: number): SurveyResponse => ({ ...base, analysis: analysis(themes, revision) });
    expect(mentionsTheme(r(['delivery', 'staff']), 'staff')).toBe(true);
    expect(mentionsTheme(r(['delivery']), 'staff')).toBe(false);
    expect(mentionsTheme(r(['staff'], 1), 'staff')).toBe(false);
    expect(mentionsTheme(r([]), 'unassigned')).toBe(true);
    expect(mentionsTheme({ ...base }, 'unassigned')).toBe(false);
  });
  it('takes theme ids only', () => {
    expect(['delivery', 'wait-time', 'unassigned'].every(isThemeId)).toBe(true);
    expect(['', 'Delivery', '<b>', '-x', 'a'.repeat(61), 'a/b'].some(isThemeId)).toBe(false);
  });
});
