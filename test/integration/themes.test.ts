import { storeAnalysed, type AnalysedAnswer } from './analysed-responses';
import { surveyInput, useTestRuntime } from './support';

jest.setTimeout(180_000);

/*
 * The themes report, the dashboard's "What people talk about" and the theme drill-down, over HTTP against the
 * local runtime: responses stored already analysed (as the processing step leaves them), counted by the
 * aggregates consumer from the stream, then read back.
 */
const local = useTestRuntime();
const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
const fixture = {} as { surveyId: string; analystKey: string; from: string; to: string };

/** This period (the last 14 days) and the 14 before it. */
const THIS_PERIOD: AnalysedAnswer[] = [
  { nps: 2, daysAgo: 3, comment: 'Late parcel and the food was cold.', sentiment: 'negative', themes: ['delivery'], matches: { delivery: ['parcel'] }, phrases: ['late parcel', 'loud music'] },
  { nps: 3, daysAgo: 3, comment: 'Cold food, late parcel, nobody told me.', sentiment: 'negative', themes: ['delivery', 'communication'], matches: { delivery: ['parcel'], communication: ['nobody told me'] }, phrases: ['loud music', 'late parcel'] },
  { nps: 4, daysAgo: 4, comment: 'Cold food again, the courier was late.', sentiment: 'negative', themes: ['delivery'], matches: { delivery: ['courier'] }, phrases: ['loud music', 'courier'] },
  { nps: 8, daysAgo: 4, comment: 'The staff were fine.', sentiment: 'neutral', themes: ['staff'], matches: { staff: ['staff'] }, phrases: [] },
  { nps: 10, daysAgo: 5, comment: 'Friendly driver, lovely staff.', sentiment: 'positive', themes: ['staff'], matches: { staff: ['friendly'] }, phrases: ['friendly driver'] },
  { nps: 9, daysAgo: 5, comment: 'Great, thanks.', sentiment: 'positive', themes: [], phrases: ['great'] },
  { nps: 10, daysAgo: 6, comment: 'Quick delivery and a friendly driver.', sentiment: 'positive', themes: ['staff', 'delivery'], matches: { staff: ['friendly'], delivery: ['delivery'] }, phrases: ['friendly driver'] },
  // A score without a comment: in the NPS, not among the analysed comments.
  { nps: 0, daysAgo: 6 },
];
const PERIOD_BEFORE: AnalysedAnswer[] = [
  { nps: 10, daysAgo: 20, comment: 'Delivery on time.', sentiment: 'positive', themes: ['delivery'], phrases: [] },
  { nps: 9, daysAgo: 21, comment: 'Helpful staff.', sentiment: 'positive', themes: ['staff'], phrases: [] },
];

beforeAll(async () => {
  const { api, runtime } = local;
  fixture.surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'delivery' })) })).body.id;
  fixture.analystKey = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'insights', role: 'analyst' }) })).body.key;
  await storeAnalysed(runtime, fixture.surveyId, [...THIS_PERIOD, ...PERIOD_BEFORE]);
  await runtime.waitForIdle();
  [fixture.from, fixture.to] = [day(13), day(0)];
});

const themesUrl = (extra = '') => `/admin/reports/themes?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}${extra}`;

describe('GET /admin/reports/themes', () => {
  it('answers the figures worked out by hand from the stored analyses', async () => {
    const res = await local.api(themesUrl());
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report.previous).toEqual({ from: day(27), to: day(14), analysed: 2 });
    expect(report.analysed).toBe(7);
    expect(report.sentiment).toEqual({ negative: 3, neutral: 1, positive: 3, unread: 0 });
    // 3 promoters, 1 passive, 4 detractors (with the score without a comment): (3 − 4) / 8 = −12.5.
    expect(report.nps).toMatchObject({ score: -12.5, n: 8 });
    expect(report.themes.map((t: { theme: string }) => t.theme)).toEqual(['delivery', 'staff', 'communication', 'unassigned']);
    const [delivery, staff, communication, unassigned] = report.themes;
    // Delivery: 4 of 7 comments; NPS (1 − 3) / 4 = −50; without its responses (2 − 1) / 4 = 25, so it pulls −37.5.
    expect(delivery).toMatchObject({ label: 'Delivery and timing', mentions: 4, negative: 3, positive: 1, share: { percent: 57.1, count: 4, n: 7 }, nps: { score: -50, n: 4 }, impact: -37.5 });
    // Before: 1 of 2, NPS 100. The share barely moved (z 0.18); the NPS fell 150 points (z −3.46).
    expect(delivery.previous).toMatchObject({ mentions: 1, share: { percent: 50 }, nps: { score: 100 } });
    expect(delivery.change).toMatchObject({ share: 7.1, shareSignificant: false, nps: -150, npsSignificant: true });
    expect(delivery.change.shareZ).toBeCloseTo(0.18, 2);
    expect(delivery.change.npsZ).toBeCloseTo(-3.46, 2);
    // Staff: 3 of 7; NPS (2 − 0) / 3 = 66.7; without it (1 − 4) / 5 = −60: +47.5.
    expect(staff).toMatchObject({ mentions: 3, positive: 2, negative: 0, share: { percent: 42.9 }, nps: { score: 66.7 }, impact: 47.5 });
    expect(communication).toMatchObject({ mentions: 1, negative: 1, nps: { score: -100 }, impact: -12.5, previous: { mentions: 0 } });
    expect(unassigned).toMatchObject({ label: 'No theme', mentions: 1, nps: { score: 100 }, impact: 16.1 });
    // "loud music" is said by 3 of 3 detractors, no promoter: ln(3.5/0.5) − ln(0.5/3.5) = 3.89. "late parcel"
    // holds the theme phrase "parcel"; "courier" is one.
    expect(report.suggestions).toEqual({ sampled: false, read: 7, detractors: 3, promoters: 3, phrases: [{ phrase: 'loud music', detractors: 3, promoters: 0, logOdds: 3.89, z: expect.any(Number) }] });
  });

  it('narrows to a touchpoint and channel, validates like the summary, and shows an analyst the counts without phrases', async () => {
    expect((await local.api(themesUrl('&touchpoint=checkout'))).body).toMatchObject({ analysed: 0, themes: [] });
    expect((await local.api(themesUrl('&channel=web'))).body.analysed).toBe(7);
    const bad = await local.api(`/admin/reports/themes?surveyId=${fixture.surveyId}&from=${fixture.to}&to=${fixture.from}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('from');
    const asAnalyst = await local.api(themesUrl(), { key: fixture.analystKey });
    expect(asAnalyst.status).toBe(200);
    expect(asAnalyst.body.themes[0]).toMatchObject({ theme: 'delivery', mentions: 4 });
    expect(asAnalyst.body.suggestions).toBeUndefined();
    expect(asAnalyst.text).not.toContain('loud music');
  });

  it('serves every report through the one route, and 404s another name with the JSON error shape naming report', async () => {
    for (const report of ['summary', 'trend', 'funnel', 'export', 'themes']) expect([report, (await local.api(`/admin/reports/${report}?surveyId=${fixture.surveyId}`)).status]).toEqual([report, 200]);
    expect((await local.api('/admin/reports/cases')).status).toBe(200);
    const unknown = await local.api(`/admin/reports/nope?surveyId=${fixture.surveyId}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found', details: [{ field: 'report' }] });
    const paths = Object.keys((await local.api('/openapi.json', { key: null })).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/admin/reports/summary', '/admin/reports/themes', '/admin/reports/{report}']));
  });
});

/** A dashboard session cookie for a key, signed in through the form. */
async function session(key: string): Promise<string> {
  const res = await fetch(`${local.runtime.apiUrl}/dashboard/session`, { method: 'POST', body: new URLSearchParams({ apiKey: key }), redirect: 'manual', headers: { origin: local.runtime.apiUrl } });
  expect(res.status).toBe(303);
  return res.headers.getSetCookie()[0].split(';')[0];
}
const page = async (path: string, cookie: string) => {
  const res = await fetch(`${local.runtime.apiUrl}${path}`, { headers: { cookie } });
  return { status: res.status, text: await res.text() };
};

describe('the dashboard: What people talk about, and the responses of a theme', () => {
  it('shows themes by share with their NPS, marks the ones pulling the score down, and links each to its responses', async () => {
    const cookie = await session(local.runtime.adminKey);
    const dashboard = await page(`/dashboard?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}`, cookie);
    expect(dashboard.status).toBe(200);
    const section = dashboard.text.slice(dashboard.text.indexOf('What people talk about'));
    expect(section).toContain('7 comments analysed: 3 negative, 1 neutral, 3 positive');
    expect(section).toContain('Delivery and timing</a></span> <span>57.1% · 4 mentions</span> <strong class="pulls">▼ pulls the NPS down 37.5 points</strong>');
    expect(section).toContain('Communication</a></span> <span>14.3% · 1 mention</span> <strong class="pulls">▼ pulls the NPS down 12.5 points</strong>');
    expect(section).toContain('Staff and service</a></span> <span>42.9% · 3 mentions</span></div>');
    expect(section).toContain('NPS -50 (95% -90.7 to 33.6, n = 4)');
    expect(section).toContain('NPS −150 (significant)');
    expect(section).toContain('Share of comments per week, top 3 themes');
    expect(section).toMatch(/href="[^"]*\/dashboard\/responses\?surveyId=[^"]*theme=delivery"/);

    const href = /href="([^"]*theme=delivery)"/.exec(section)![1].replaceAll('&#38;', '&');
    const responses = await page(new URL(href).pathname + new URL(href).search, cookie);
    expect(responses.status).toBe(200);
    expect(responses.text).toContain('theme: Delivery and timing');
    expect(responses.text).toContain('4 responses');
    expect(responses.text).toContain('Late parcel and the food was cold.');
    expect(responses.text).not.toContain('Great, thanks.');
    expect(responses.text).toContain('Sentiment: negative · Themes: Delivery and timing, Communication');
    const none = await page(`/dashboard/responses?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}&theme=unassigned`, cookie);
    expect(none.text).toContain('1 response');
    expect(none.text).toContain('Great, thanks.');
    const bad = await page(`/dashboard/responses?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}&theme=${encodeURIComponent('<b>Delivery')}`, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('theme: must be a theme id');
    expect(bad.text).not.toContain('<b>Delivery');
  });

  it('shows an analyst the counts without links to the responses, and no comment text', async () => {
    const cookie = await session(fixture.analystKey);
    const dashboard = await page(`/dashboard?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}`, cookie);
    expect(dashboard.text).toContain('What people talk about');
    expect(dashboard.text).toContain('57.1% · 4 mentions');
    expect(dashboard.text).not.toContain('theme=delivery');
    expect(dashboard.text).not.toContain('cold');
    const responses = await page(`/dashboard/responses?surveyId=${fixture.surveyId}&from=${fixture.from}&to=${fixture.to}&theme=delivery`, cookie);
    expect(responses.text).toContain('An analyst key sees reports, not the responses behind them.');
    expect(responses.text).not.toContain('Late parcel');
  });
});
