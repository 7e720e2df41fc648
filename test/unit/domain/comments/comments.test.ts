import { readComment } from '../../../../lambdas/domain/comments/analyze';
import { builtinReader } from '../../../../lambdas/domain/comments/reading/builtin-reader';
import { detectLanguage } from '../../../../lambdas/domain/comments/reading/language';
import { lemmaOf, wordsOf } from '../../../../lambdas/domain/comments/reading/words';
import { matchThemes } from '../../../../lambdas/domain/comments/themes/matching';
import { DEFAULT_TAXONOMY, taxonomyOf, ThemeSetRequestSchema } from '../../../../lambdas/domain/comments/themes/taxonomy';
import { holds, readsCommentAnalysis, rulesReadAnalysis } from '../../../../lambdas/domain/loop/alert-rules';
import { AlertRuleSchema } from '../../../../lambdas/domain/surveys/alert-rules';
import type { RuleContext } from '../../../../lambdas/domain/loop/alert-rules';

const read = (text: string) => readComment(builtinReader, DEFAULT_TAXONOMY, text);
const themes = (text: string, taxonomy = DEFAULT_TAXONOMY) => matchThemes(taxonomy, wordsOf(text)).map((m) => m.theme);

describe('words', () => {
  it('opens contractions, lemmatizes on both sides and ends clauses at "but" and sentence marks', () => {
    expect(wordsOf("Didn't arrive, but they're sorry. Thanks").map((w) => [w.text, w.clause])).toEqual([
      ['did', 0], ['not', 0], ['arrive', 0], ['but', 1], ['they', 1], ['are', 1], ['sorry', 1], ['thanks', 2],
    ]);
    expect(['delays', 'refunded', 'stopped', 'replies', 'came', 'parcels'].map(lemmaOf)).toEqual(['delay', 'refund', 'stop', 'reply', 'come', 'parcel']);
    // Times and decimals stay one word ("3:40" is not a clause break).
    expect(wordsOf('seen at 3:40, paid 2.50').map((w) => w.text)).toEqual(['seen', 'at', '3:40', 'paid', '2.50']);
  });
});

describe('language', () => {
  it('tells the common languages apart and says nothing when it cannot tell', () => {
    expect(detectLanguage('The parcel was late and the driver was rude')).toBe('en');
    expect(detectLanguage('Le colis est arrivé en retard et le livreur était impoli')).toBe('fr');
    expect(detectLanguage('Das Paket kam zu spät und der Fahrer war sehr unfreundlich')).toBe('de');
    expect(detectLanguage('El paquete llegó tarde y el repartidor fue muy grosero')).toBe('es');
    expect(detectLanguage('配達が遅れました')).toBe('ja');
    expect(detectLanguage('التوصيل كان متأخرا جدا')).toBe('ar');
    expect(detectLanguage('возврат денег так и не пришёл')).toBeUndefined();
    expect(detectLanguage('Die Rückerstattung kam nie an, schrecklich')).toBe('de');
    expect(detectLanguage('')).toBeUndefined();
  });
});

describe('themes', () => {
  it('matches phrases on lemmas, numbers for "#", and never inside an excluded phrase', () => {
    expect(themes('Three delays and two parcels lost')).toContain('delivery');
    expect(themes('waited 40 minutes on hold')).toEqual(['wait-time']);
    // "deliver on" is excluded from delivery.
    expect(themes('they deliver on every promise')).not.toContain('delivery');
    // A negated phrase still names its theme.
    expect(themes('the staff were not rude at all')).toEqual(['staff']);
    expect(themes('all good thanks')).toEqual([]);
  });

  it('extends the default taxonomy or replaces it, and validates what a survey sends', () => {
    const set = { surveyId: 's', version: 2, mode: 'extend' as const, themes: [{ id: 'delivery', label: 'Shipping', phrases: ['pallet'] }, { id: 'wine-list', label: 'Wine list', phrases: ['sommelier'] }] };
    const extended = taxonomyOf(set);
    expect(extended.version).toBe(2);
    expect(extended.themes.find((t) => t.id === 'delivery')).toMatchObject({ label: 'Shipping', phrases: expect.arrayContaining(['parcel', 'pallet']) });
    expect(themes('the sommelier was great, the pallet late', extended)).toEqual(expect.arrayContaining(['delivery', 'wine-list']));
    const replaced = taxonomyOf({ ...set, mode: 'replace' });
    expect(replaced.themes.map((t) => t.id)).toEqual(['delivery', 'wine-list']);
    expect(taxonomyOf(undefined)).toBe(DEFAULT_TAXONOMY);

    const issues = (body: unknown) => {
      const parsed = ThemeSetRequestSchema.safeParse(body);
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ themes: [{ id: 'ok', label: 'OK', phrases: ['fine'] }] })).toEqual([]);
    expect(issues({ themes: [{ id: 'Bad Id', label: 'x', phrases: ['x'] }] })).toEqual(['themes.0.id']);
    expect(issues({ themes: [{ id: 'unassigned', label: 'x', phrases: ['x'] }] })).toEqual(['themes.0.id']);
    expect(issues({ themes: [{ id: 'constructor', label: 'x', phrases: ['x'] }] })).toEqual(['themes.0.id']);
    expect(issues({ themes: [{ id: 'a', label: 'line\nbreak', phrases: ['<script>'] }] })).toEqual(['themes.0.label', 'themes.0.phrases.0']);
    expect(issues({ themes: [{ id: 'a', label: 'A', phrases: ['x'] }, { id: 'a', label: 'B', phrases: ['y'] }] })).toEqual(['themes']);
    expect(issues({ mode: 'replace', themes: [] })).toEqual(['themes']);
    expect(issues({ themes: Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, label: 'T', phrases: Array.from({ length: 201 }, (_, j) => `p${j}`) })) })).toEqual(['themes']);
  });
});

describe('reading a comment', () => {
  it('reads customer-service language a lexicon misses, and the tone of each theme from its clause', async () => {
    expect(await read('never arrived')).toMatchObject({ sentiment: 'negative', themes: ['delivery'] });
    expect(await read('waited 40 minutes on hold')).toMatchObject({ sentiment: 'negative', themes: ['wait-time'] });
    expect(await read('great app but still no refund')).toMatchObject({ themes: ['digital', 'refunds'], themeSentiments: { digital: 'positive', refunds: 'negative' } });
    expect(await read('Lovely staff, quick and helpful')).toMatchObject({ sentiment: 'positive', themes: ['staff'] });
    const rude = await read('the driver was rude and the parcel came three days late');
    expect(rude).toMatchObject({ sentiment: 'negative', language: 'en', themes: ['delivery', 'staff'] });
    expect(rude.score).toBeLessThan(-0.5);
  });

  it('reads a language it does not read as that language, with no sentiment and no themes', async () => {
    expect(await read('Das Paket kam zu spät und der Fahrer war sehr unfreundlich')).toEqual({ analyzer: 'builtin', language: 'de', phrases: [], themes: [], themeSentiments: {}, matches: {} });
  });

  it('guesses nothing for a script or accented words it cannot place', async () => {
    expect(await read('возврат денег так и не пришёл, ужасно')).toEqual({ analyzer: 'builtin', phrases: [], themes: [], themeSentiments: {}, matches: {} });
    expect(await read('配達が遅れました。ひどい。')).toMatchObject({ language: 'ja', themes: [] });
    expect((await read('gr8 svc ta 👍')).sentiment).toBe('positive');
  });

  it('takes hostile text as text: control and bidi characters, a very long comment', async () => {
    const hostile = await read('\u202eknil eht kcilc\u202c the app \u0000crashed\u0007 again');
    expect(hostile.themes).toContain('digital');
    const long = await read('the parcel was late '.repeat(100));
    expect(long.phrases.length).toBeLessThanOrEqual(10);
    expect(long.themes).toEqual(['delivery']);
  });
});

describe('rules on the analysis', () => {
  const ctx = (analysis?: Partial<NonNullable<RuleContext['analysis']>>, revision = 1): RuleContext => ({
    answers: {},
    touchpoint: 't',
    channel: 'web',
    scores: { revision, severity: 'none' } as RuleContext['scores'],
    ...(analysis && { analysis: { revision: 1, analyzer: 'builtin', taxonomyVersion: 0, themes: [], themeSentiments: {}, matches: {}, phrases: [], analyzedAt: '', ...analysis } }),
  });
  const refund = { themes: ['digital', 'refunds'], themeSentiments: { digital: 'positive', refunds: 'negative' } as const, sentiment: 'neutral' as const, score: -0.4 };

  it('reads sentiment, score, themes and the themes said negatively', () => {
    expect(holds({ field: 'comment.themes', op: 'contains', value: 'refunds' }, ctx(refund))).toBe(true);
    expect(holds({ field: 'comment.themes', op: 'in', value: ['staff', 'digital'] }, ctx(refund))).toBe(true);
    expect(holds({ field: 'comment.negativeThemes', op: 'contains', value: 'refunds' }, ctx(refund))).toBe(true);
    expect(holds({ field: 'comment.negativeThemes', op: 'contains', value: 'digital' }, ctx(refund))).toBe(false);
    expect(holds({ field: 'comment.sentiment', op: 'eq', value: 'neutral' }, ctx(refund))).toBe(true);
    expect(holds({ field: 'comment.score', op: 'lt', value: 0 }, ctx(refund))).toBe(true);
  });

  it('never matches without an analysis of the current answers', () => {
    expect(holds({ field: 'comment.themes', op: 'contains', value: 'refunds' }, ctx())).toBe(false);
    // The analysis of revision 1 does not speak for the answers of revision 2.
    expect(holds({ field: 'comment.themes', op: 'contains', value: 'refunds' }, ctx(refund, 2))).toBe(false);
    expect(holds({ not: { field: 'comment.sentiment', op: 'eq', value: 'negative' } }, ctx())).toBe(true);
  });

  it('refuses a rule on the analysis that could never match', () => {
    const problems = (when: unknown) => {
      const parsed = AlertRuleSchema.safeParse({ id: 'r', name: 'r', when });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(problems({ field: 'comment.sentiment', op: 'eq', value: 'negative' })).toEqual([]);
    expect(problems({ field: 'comment.sentiment', op: 'eq', value: 'angry' })).toEqual(['when.value']);
    expect(problems({ field: 'comment.sentiment', op: 'lt', value: 'positive' })).toEqual(['when.op']);
    expect(problems({ field: 'comment.score', op: 'lt', value: -99 })).toEqual(['when.value']);
    expect(problems({ field: 'comment.score', op: 'lt', value: 'bad' })).toEqual(['when.value']);
    expect(problems({ field: 'comment.themes', op: 'eq', value: 'staff' })).toEqual(['when.op']);
    expect(problems({ field: 'comment.themes', op: 'contains', value: 'Refunds' })).toEqual(['when.value']);
    expect(problems({ field: 'comment.negativeThemes', op: 'in', value: ['refunds', 'delivery'] })).toEqual([]);
  });

  it('knows which rules wait for the analysis', () => {
    expect(readsCommentAnalysis({ any: [{ field: 'nps', op: 'lte', value: 6 }, { not: { field: 'comment.themes', op: 'contains', value: 'x' } }] })).toBe(true);
    expect(readsCommentAnalysis({ field: 'comment', op: 'contains', value: 'refund' })).toBe(false);
    const rule = (enabled: boolean) => ({ id: 'r', name: 'r', severity: 'low' as const, enabled, when: { field: 'comment.sentiment', op: 'eq' as const, value: 'negative' } });
    expect(rulesReadAnalysis({ rules: [rule(true)] })).toBe(true);
    expect(rulesReadAnalysis({ rules: [rule(false)] })).toBe(false);
    expect(rulesReadAnalysis(undefined)).toBe(false);
  });
});
