import { cesBand, csatBand, npsCategory, scoreResponse, worstSeverity } from '../../../../lambdas/domain/scoring/scoring';
import { survey } from '../../support/fixtures';

describe('bands', () => {
  it('splits NPS at 6/7 and 8/9', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });
  it('splits CSAT at 2/3/4 and effort at 3/4/5', () => {
    expect([1, 2, 3, 4, 5].map(csatBand)).toEqual(['dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'satisfied']);
    expect([1, 3, 4, 5, 7].map(cesBand)).toEqual(['low-effort', 'low-effort', 'neutral', 'high-effort', 'high-effort']);
  });
});

describe('scoreResponse', () => {
  const s = survey();

  it('lets the worst answer decide severity, not the average', () => {
    expect(scoreResponse(s, { nps: 10, csat: 1 }, 1).severity).toBe('critical');
    expect(scoreResponse(s, { nps: 4, csat: 5 }, 1).severity).toBe('high');
    expect(scoreResponse(s, { nps: 6 }, 1).severity).toBe('medium');
    expect(scoreResponse(s, { nps: 8, effort: 4 }, 1).severity).toBe('low');
    expect(scoreResponse(s, { nps: 10, csat: 5, effort: 1 }, 1).severity).toBe('none');
    expect(scoreResponse(s, { nps: 9, effort: 7 }, 1).severity).toBe('critical');
    expect(worstSeverity([])).toBe('none');
  });

  it('carries categories, bands and the revision scored', () => {
    expect(scoreResponse(s, { nps: 7, csat: 3, effort: 2, comment: 'ok' }, 4)).toMatchObject({
      nps: { questionId: 'nps', value: 7, category: 'passive' },
      csat: { questionId: 'csat', value: 3, band: 'neutral' },
      ces: { questionId: 'effort', value: 2, band: 'low-effort' },
      revision: 4,
    });
  });

  it('builds the loyalty index from recommend, repurchase and retention on 0–100', () => {
    const loyal = survey({
      questions: [
        { id: 'nps', type: 'nps', text: 'Recommend?' },
        { id: 'again', type: 'rating', text: 'Buy again?', scale: 5, dimension: 'repurchase' },
        { id: 'stay', type: 'yesno', text: 'Would you stay with us?', dimension: 'retention' },
      ],
    });
    const scored = scoreResponse(loyal, { nps: 8, again: 4, stay: true }, 1);
    expect(scored.loyalty).toEqual({ recommend: 80, repurchase: 75, retention: 100 });
    expect(scored.loyaltyIndex).toBe(85);
    expect(scoreResponse(loyal, { again: 1 }, 1)).toMatchObject({ loyalty: { repurchase: 0 }, loyaltyIndex: 0 });
    expect(scoreResponse(loyal, {}, 1).loyaltyIndex).toBeUndefined();
  });

  it('counts low effort as loyal when effort is a loyalty dimension', () => {
    const effort = survey({ questions: [{ id: 'e', type: 'ces', text: 'Easy?', dimension: 'retention' }] });
    expect(scoreResponse(effort, { e: 1 }, 1).loyalty).toEqual({ retention: 100 });
    expect(scoreResponse(effort, { e: 7 }, 1).loyalty).toEqual({ retention: 0 });
  });
});
