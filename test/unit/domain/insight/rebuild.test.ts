import { deltaOf } from '../../../../lambdas/domain/insight/aggregates';
import { countedVersion, coverageOf, differencesOf, expectedCells, remainingDeltas } from '../../../../lambdas/domain/insight/rebuild';
import { scoreResponse } from '../../../../lambdas/domain/scoring/scoring';
import type { SurveyResponse } from '../../../../lambdas/domain/surveys/response';
import { response, survey } from '../../support/fixtures';

const scored = (answers: Record<string, number>, over: Partial<SurveyResponse> = {}): SurveyResponse => {
  const r = { ...response(answers), ...over };
  return { ...r, scores: scoreResponse(survey(), r.answers, r.revision) };
};

describe('coverage of a range', () => {
  it('reads whole weeks and months around the range, and covers only periods read whole', () => {
    // Wednesday 2026-11-11 .. Tuesday 2026-11-24: November and the weeks around it.
    const coverage = coverageOf({ from: '2026-11-11', to: '2026-11-24' });
    expect(coverage.read).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(coverage.covers({ granularity: 'M', period: '2026-11' })).toBe(true);
    expect(coverage.covers({ granularity: 'D', period: '2026-11-01' })).toBe(true);
    // Weeks are not stored (summed from days when read): never compared or rewritten.
    expect(coverage.covers({ granularity: 'W', period: '2026-W46' })).toBe(false);
    expect(coverage.covers({ granularity: 'M', period: '2026-10' })).toBe(false);
    const acrossMonths = coverageOf({ from: '2026-11-30', to: '2026-12-01' });
    expect(acrossMonths.read).toEqual({ from: '2026-11-01', to: '2026-12-31' });
  });
});

describe('verify', () => {
  it('lists every response counter that differs, and ignores the invitations\' funnel counters', () => {
    const coverage = coverageOf({ from: '2026-11-24', to: '2026-11-24' });
    const expected = expectedCells([scored({ nps: 10 }), scored({ nps: 2 })], coverage);
    const day = [...expected.values()].find((c) => c.key.granularity === 'D')!;
    const stored = [{ ...day.key, counters: { ...day.counters, nps_promoters: 2, inv_sent: 7 } }];
    const differences = differencesOf(expected, stored, coverage);
    expect(differences.filter((d) => d.cell.includes('|D|'))).toEqual([expect.objectContaining({ counter: 'nps_promoters', stored: 2, expected: 1 })]);
    // The week and month cells are missing from `stored`: every counter of theirs differs.
    expect(differences.some((d) => d.cell.includes('|M|') && d.counter === 'responses' && d.expected === 2 && d.stored === 0)).toBe(true);
  });
});

describe('changes that arrived during a rebuild', () => {
  const coverage = coverageOf({ from: '2026-11-24', to: '2026-11-24' });
  const first = scored({ nps: 2 });
  const revised = scored({ nps: 9 }, { revision: 2 });
  const entry = (old: SurveyResponse | undefined, now: SurveyResponse) => ({ eventId: 'e', deltas: deltaOf(old, now), responseId: now.id, version: countedVersion(now) });

  it('add nothing to a rewritten cell when the rebuild read that state already, and everything otherwise', () => {
    expect(remainingDeltas(entry(undefined, first), coverage, new Map([[first.id, countedVersion(first)]]))).toEqual([]);
    expect(remainingDeltas(entry(first, revised), coverage, new Map([[first.id, countedVersion(first)]]))).toEqual(deltaOf(first, revised));
    expect(remainingDeltas(entry(undefined, first), coverage, new Map())).toEqual(deltaOf(undefined, first));
  });

  it('always add to cells the rebuild did not rewrite', () => {
    const narrow = { read: coverage.read, covers: (key: { granularity: string }) => key.granularity === 'D' };
    const left = remainingDeltas(entry(undefined, first), narrow, new Map([[first.id, countedVersion(first)]]));
    expect(left.map((d) => d.key.granularity).sort()).toEqual(['M']);
  });

  it('order states by revision, then by the case opening', () => {
    expect(countedVersion({ revision: 1, scores: { ...first.scores!, caseOpened: true } })).toBeGreaterThan(countedVersion(first));
    expect(countedVersion(revised)).toBeGreaterThan(countedVersion({ revision: 1, scores: { ...first.scores!, caseOpened: true } }));
  });
});
