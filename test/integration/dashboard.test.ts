import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousAccessibilityViolations } from './browser';
import { useTestRuntime } from './support';

jest.setTimeout(180_000);

// The demo history (about 3,000 answers over 90 days with a dip) as `npm start` loads it.
const local = useTestRuntime({ demoHistory: true });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await local.runtime.waitForIdle();
});
afterAll(async () => {
  await browser?.close();
});

async function signIn(key: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${local.runtime.apiUrl}/dashboard`);
  await page.fill('#apiKey', key);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  return page;
}

const figure = async (page: Page, label: string) => (await page.locator('.figure', { hasText: label }).first().textContent()) ?? '';

describe('the dashboard in Chromium, on the demo history', () => {
  it('signs in with a key kept out of the URL, and shows the numbers the API answers, with rendered charts', async () => {
    const { api, runtime } = local;
    const page = await signIn(runtime.adminKey);
    expect(page.url()).toBe(`${runtime.apiUrl}/dashboard`);
    expect(page.url()).not.toContain(runtime.adminKey);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'cx_dashboard')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(JSON.stringify(cookies)).not.toContain(runtime.adminKey);

    const summary = (await api('/admin/reports/summary?surveyId=demo')).body;
    expect(summary.total.responses).toBeGreaterThan(2500);
    const nps = summary.total.nps;
    const shown = await figure(page, 'NPS');
    expect(shown).toContain(`${nps.score}`);
    expect(shown).toContain(`95% interval ${nps.low} to ${nps.high}`);
    expect(shown).toContain(`n = ${nps.n}`);
    expect(shown).toContain(`${nps.promoters} promoters, ${nps.passives} passives, ${nps.detractors} detractors`);
    const csat = summary.total.csat;
    expect(await figure(page, 'CSAT')).toContain(`${csat.top2Box.percent}%`);

    // Histograms of NPS and CSAT, three trend charts, and the weekly share of the top themes (the demo history's
    // comments are read when it is loaded), drawn with real size; the NPS bars' counts equal the API's.
    const charts = page.locator('figure.chart svg');
    expect(await charts.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(150);
      expect(box!.height).toBeGreaterThan(100);
    }
    const npsCounts = summary.total.distributions.find((d: { questionId: string }) => d.questionId === 'nps').counts;
    const npsDescription = await page.locator('figure.chart svg desc').first().textContent();
    for (let v = 0; v <= 10; v++) expect(npsDescription).toContain(`${v}: ${npsCounts[v]}`);
    expect(await page.locator('polyline').count()).toBeGreaterThanOrEqual(3);

    // The dip is there to see: the weekly trend has a low point well under the first weeks.
    const trend = (await api('/admin/reports/trend?surveyId=demo&granularity=week&metric=nps')).body.series[0].points.filter((p: { n: number }) => p.n > 50);
    const values = trend.map((p: { value: number }) => p.value);
    expect(Math.min(...values)).toBeLessThan(values[0] - 20);

    expect(await page.locator('#s-comments + blockquote, section[aria-labelledby="s-comments"] blockquote').count()).toBeGreaterThan(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard');

    await Promise.all([page.waitForNavigation(), page.click('header button')]);
    expect(await page.locator('#apiKey').count()).toBe(1);
    await page.close();
  });

  it('an analyst sees the figures but no comments or cases; a wrong key stays on the sign-in page', async () => {
    const { api } = local;
    const analyst = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'insights', role: 'analyst' }) })).body.key;
    const page = await signIn(analyst);
    expect(await figure(page, 'NPS')).toContain('95% interval');
    expect(await page.locator('#s-comments').count()).toBe(0);
    expect(await page.locator('#s-cases').count()).toBe(0);
    await page.close();

    const wrong = await signIn('cxk_not-a-key-at-all-000000000000');
    expect(await wrong.textContent('[role="alert"]')).toContain('not valid');
    expect(wrong.url()).not.toContain('cxk_');
    await wrong.close();
  });
});

describe('dashboard sessions on the server', () => {
  const signIn = async (headers: Record<string, string> = {}) =>
    fetch(`${local.runtime.apiUrl}/dashboard/session`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ apiKey: local.runtime.adminKey }).toString() });
  const cookieOf = (res: Response) => /cx_dashboard=[^;]*/.exec(res.headers.get('set-cookie') ?? '')![0];
  const signedIn = async (cookie: string) => !(await (await fetch(`${local.runtime.apiUrl}/dashboard`, { headers: { cookie } })).text()).includes('id="apiKey"');

  it('end at sign-out, for a copied cookie too, and refuse sign-in and case actions posted from another site', async () => {
    const first = cookieOf(await signIn());
    const copied = first;
    expect(await signedIn(first)).toBe(true);
    const out = await fetch(`${local.runtime.apiUrl}/dashboard/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: first, origin: new URL(local.runtime.apiUrl).origin } });
    expect(out.status).toBe(303);
    expect(await signedIn(copied)).toBe(false);
    // Signing in again works at once.
    expect(await signedIn(cookieOf(await signIn()))).toBe(true);

    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Record<string, string>[]) {
      const refused = await signIn(headers);
      expect([JSON.stringify(headers), refused.status, refused.headers.get('set-cookie')]).toEqual([JSON.stringify(headers), 403, null]);
    }
    expect((await signIn({ origin: new URL(local.runtime.apiUrl).origin, 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });

  it('answer 404 for a path below /dashboard that is not a page (signed in or not): an HTML page to a browser, JSON naming `page` otherwise', async () => {
    const cookie = cookieOf(await signIn());
    const origin = new URL(local.runtime.apiUrl).origin;
    const cases: [string, string][] = [['GET', 'nowhere'], ['GET', 'cases/extra/deep'], ['GET', 'session'], ['POST', 'cases'], ['POST', 'responses'], ['GET', 'cases/'], ['GET', 'responses/x']];
    for (const [method, page] of cases) {
      for (const withCookie of [true, false]) {
        const res = await fetch(`${local.runtime.apiUrl}/dashboard/${page}`, { method, headers: { origin, ...(withCookie && { cookie }), ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded' }) }, ...(method === 'POST' && { body: '' }) });
        const body = (await res.json()) as { error?: { code: string; details: { field: string }[] } };
        expect([method, page, withCookie, res.status, body.error?.code, body.error?.details?.[0]?.field]).toEqual([method, page, withCookie, 404, 'not_found', 'page']);
      }
    }
    const asBrowser = await fetch(`${local.runtime.apiUrl}/dashboard/nowhere`, { headers: { cookie, accept: 'text/html' } });
    expect([asBrowser.status, asBrowser.headers.get('content-type')]).toEqual([404, expect.stringContaining('text/html')]);
    expect(await asBrowser.text()).toContain('there is no such page in the dashboard');
    // The pages themselves still answer.
    for (const page of ['', '/cases', '/responses']) expect([page, (await fetch(`${local.runtime.apiUrl}/dashboard${page}`, { headers: { cookie } })).status]).toEqual([page, 200]);
  });
});
