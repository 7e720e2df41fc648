import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousAccessibilityViolations } from './browser';
import { storeAnalysed } from './analysed-responses';
import { eventually, isAlertEmail, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(600_000);

/*
 * Every page people see, and the e-mails as the SES emulator stored them, opened in Chromium at 320, 390
 * and 1280 px: no horizontal scroll, the score scale on one row, tap targets of at least 24 × 24 px
 * (WCAG 2.2, 2.5.8; links inside a sentence are exempt), no serious or critical axe-core violation, no
 * console error. The screenshots land in test-artifacts/pages/.
 */

const WIDTHS = [320, 390, 1280] as const;
const local = useTestRuntime();
let browser: Browser;
const fixture = {} as { surveyId: string; oneClick: string; unsubscribe: string; caseLink: string; caseId: string; invitationHtml: string; alertHtml: string; managerKey: string; analystKey: string };

beforeAll(async () => {
  browser = await launchChromium();
  const { api, runtime } = local;
  fixture.surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'delivery', timeZone: 'Europe/Berlin', intro: 'This takes less than a minute.' })) })).body.id;
  // Destinations for the destinations page: the detractor's case reaches all three; the receiver fails the first
  // request with a 503 (retried later) and answers the second with a 410 (its destination is disabled).
  for (const [name, type, path] of [['Helpdesk bridge (tickets for detractor cases)', 'webhook', '/hooks/helpdesk/a-long-path-that-must-wrap-on-a-phone'], ['#cx-alerts', 'slack', '/slack/T0/B0/token'], ['Store managers', 'teams', '/teams/workflow']]) {
    await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name, type, url: `${runtime.webhookReceiverUrl}${path}`, events: ['case.opened', 'case.escalated', 'case.resolved'], filter: { surveyId: fixture.surveyId, touchpoint: 'delivery' } }) });
  }
  await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 503, times: 1 }) });
  await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 410, times: 1 }) });
  await api('/admin/customers/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'customerId,name,segment,lifetimeValue,contractState,accountManager\nc-page,Jane Roe,gold,12500,active,am@example.com\n' });
  await api(`/admin/surveys/${fixture.surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email: 'jane.roe@example.com', name: 'Jane', customerId: 'c-page' }] }) });
  const invitation = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes('jane.roe@example.com')), 'the invitation');
  fixture.invitationHtml = invitation.body.html!;
  fixture.oneClick = /https?:\/\/\S+\/r\/\S+\?score=3/.exec(invitation.body.text!)![0];
  fixture.unsubscribe = /https?:\/\/\S+\/u\/\S+/.exec(invitation.body.text!)![0];
  for (const nps of [9, 10, 7, 8]) await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: fixture.surveyId, answers: { nps, csat: 4 } }) });
  await runtime.waitForIdle();
  const detractor = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: fixture.surveyId, customerId: 'c-page', answers: { nps: 2, csat: 1, comment: 'The parcel came a week late and nobody answered the phone. Please call me back.' } }) });
  fixture.caseId = detractor.body.id;
  const alert = await eventually(async () => (await sentEmails(runtime)).find((m) => isAlertEmail(m) && m.body.text?.includes(`Case: ${fixture.caseId}`)), 'the alert');
  fixture.alertHtml = alert.body.html!;
  fixture.caseLink = /https?:\/\/\S+\/c\/\S+/.exec(alert.body.text!)![0];
  // Comments as the analyzer leaves them, for "What people talk about" and the theme drill-down.
  await storeAnalysed(runtime, fixture.surveyId, [
    { nps: 3, daysAgo: 2, comment: 'The parcel arrived two days late, the tracking page never updated and the courier left it outside in the rain.', sentiment: 'negative', themes: ['delivery', 'digital', 'communication'], phrases: ['tracking page', 'rain'] },
    { nps: 10, daysAgo: 3, comment: 'Quick delivery, friendly driver.', sentiment: 'positive', themes: ['delivery', 'staff'], themeSentiments: { delivery: 'positive', staff: 'positive' }, phrases: ['friendly driver'] },
    { nps: 6, daysAgo: 9, comment: 'Refund still not here after three weeks.', sentiment: 'negative', themes: ['refunds'], phrases: ['refund'] },
    { nps: 8, daysAgo: 9, comment: 'Okay.', sentiment: 'neutral', themes: [], phrases: [] },
  ]);
  const key = async (body: object) => (await api('/admin/keys', { method: 'POST', body: JSON.stringify(body) })).body.key as string;
  fixture.managerKey = await key({ name: 'delivery-lead', role: 'manager', scope: { surveys: [fixture.surveyId] }, email: 'delivery-lead@example.com' });
  fixture.analystKey = await key({ name: 'insights', role: 'analyst' });
  await runtime.waitForIdle();
});
afterAll(async () => {
  await browser?.close();
});

interface Checked {
  overflow: number;
  scaleRows: number[];
  smallTargets: string[];
  accessibility: string[];
  consoleErrors: string[];
}

/** What the suite asserts about a page, measured in the browser. */
async function check(page: Page, consoleErrors: string[], withAxe: boolean): Promise<Checked> {
  // Runs in the page (as text: this project's TypeScript has no DOM types).
  const measured = (await page.evaluate(`(() => {
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    // Each scale: how many distinct rows its options sit on.
    const scaleRows = [...document.querySelectorAll('.scale')].map((scale) => new Set([...scale.querySelectorAll('.pick')].map((p) => Math.round(p.getBoundingClientRect().top))).size);
    const targets = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')].filter((el) => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) return false;
      // A link inside a sentence is exempt (2.5.8 "inline").
      return !(el.tagName === 'A' && getComputedStyle(el).display === 'inline');
    });
    const smallTargets = targets
      .filter((el) => { const box = el.getBoundingClientRect(); return box.width < 24 || box.height < 24; })
      .map((el) => el.tagName.toLowerCase() + (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '') + ' ' + Math.round(el.getBoundingClientRect().width) + 'x' + Math.round(el.getBoundingClientRect().height) + ' "' + (el.textContent || '').trim().slice(0, 20) + '"');
    return { overflow, scaleRows, smallTargets };
  })()`)) as Pick<Checked, 'overflow' | 'scaleRows' | 'smallTargets'>;
  return { ...measured, accessibility: withAxe ? await seriousAccessibilityViolations(page) : [], consoleErrors: [...consoleErrors] };
}

/** A dashboard session per key, signed in once through the form and reused by every width's context. */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();
async function sessionOf(key: string) {
  if (!sessions.has(key)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${local.runtime.apiUrl}/dashboard`);
    await page.fill('#apiKey', key);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    sessions.set(key, await context.storageState());
    await context.close();
  }
  return sessions.get(key)!;
}

/** One browser tab per width and key, opened once and reused by every page (a new context per page is slow). */
const tabs = new Map<string, { page: Page; context: BrowserContext; errors: string[] }>();
async function tabFor(width: number, key?: string) {
  const id = `${width}|${key ?? ''}`;
  if (!tabs.has(id)) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, ...(key && { storageState: await sessionOf(key) }) });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tabs.set(id, { page, context, errors });
  }
  return tabs.get(id)!;
}

/**
 * Opens a page at every width (in the tab of that width, signed in with `key` when given), checks and
 * photographs it. axe-core runs at 390 px: what it checks does not change with the width, and it is slow.
 */
async function everyWidth(name: string, open: (page: Page, context: BrowserContext) => Promise<void>, key?: string): Promise<Record<number, Checked>> {
  const results: Record<number, Checked> = {};
  for (const width of WIDTHS) {
    const { page, context, errors } = await tabFor(width, key);
    errors.length = 0;
    await open(page, context);
    results[width] = await check(page, errors, width === 390);
    await screenshot(page, join('pages', `${name}-${width}`));
  }
  return results;
}

const allGood = (results: Record<number, Checked>) =>
  Object.fromEntries(Object.entries(results).map(([width, r]) => [width, { ...r, overflow: Math.max(0, r.overflow), scaleRows: r.scaleRows.filter((n) => n !== 1) }]));
const GOOD = Object.fromEntries(WIDTHS.map((w) => [w, { overflow: 0, scaleRows: [], smallTargets: [], accessibility: [], consoleErrors: [] }]));

describe('every page at 320, 390 and 1280 px (Chromium)', () => {
  it("the respondent's pages: form, thank-you, one-click, unsubscribe, error", async () => {
    const api = local.runtime.apiUrl;
    const form = await everyWidth('form', async (page) => {
      await page.goto(`${api}/s/${fixture.surveyId}`);
    });
    expect(allGood(form)).toEqual(GOOD);
    const thanks = await everyWidth('thank-you', async (page) => {
      await page.goto(`${api}/s/${fixture.surveyId}`);
      await page.click('.pick:has(input[value="9"])');
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(await page.textContent('h1')).toBe('Thank you!');
    });
    expect(allGood(thanks)).toEqual(GOOD);
    const oneClick = await everyWidth('one-click', async (page) => {
      await page.goto(fixture.oneClick);
      await page.waitForSelector('[data-state=saved]');
      expect(await page.textContent('main')).not.toContain('This takes less than a minute');
    });
    expect(allGood(oneClick)).toEqual(GOOD);
    const unsubscribe = await everyWidth('unsubscribe', async (page) => {
      await page.goto(fixture.unsubscribe);
      expect(await page.textContent('main')).toContain('j•••e@example.com (sent by ');
    });
    expect(allGood(unsubscribe)).toEqual(GOOD);
    const error = await everyWidth('error', async (page) => {
      await page.goto(`${api}/c/not-a-token`, { waitUntil: 'load' }).catch(() => undefined);
    });
    // The error page answers 400, which Chromium logs as a failed resource: that is the one console error allowed.
    expect(allGood(error)).toEqual(Object.fromEntries(WIDTHS.map((w) => [w, { ...GOOD[w], consoleErrors: [expect.stringContaining('400')] }])));
  });

  it('the e-mails as the SES emulator stored them: invitation and alert', async () => {
    for (const [name, html] of [['invitation-email', fixture.invitationHtml], ['alert-email', fixture.alertHtml]] as const) {
      const results = await everyWidth(name, async (page) => {
        await page.setContent(html);
      });
      expect([name, allGood(results)]).toEqual([name, GOOD]);
    }
  });

  it("the owner's case page, the sign-in page, and the dashboard for each role", async () => {
    const api = local.runtime.apiUrl;
    const casePage = await everyWidth('case', async (page) => {
      await page.goto(fixture.caseLink);
      expect(await page.textContent('main')).toContain('Jane Roe');
    });
    expect(allGood(casePage)).toEqual(GOOD);
    const signInPage = await everyWidth('sign-in', async (page) => {
      await page.goto(`${api}/dashboard`);
    });
    expect(allGood(signInPage)).toEqual(GOOD);
    for (const [role, key] of [['admin', local.runtime.adminKey], ['manager', fixture.managerKey], ['analyst', fixture.analystKey]] as const) {
      const dashboard = await everyWidth(`dashboard-${role}`, async (page) => {
        await page.goto(`${api}/dashboard?surveyId=${fixture.surveyId}`);
      }, key);
      expect([role, allGood(dashboard)]).toEqual([role, GOOD]);
    }
    for (const [role, key] of [['admin', local.runtime.adminKey], ['manager', fixture.managerKey]] as const) {
      const inbox = await everyWidth(`inbox-${role}`, async (page) => {
        await page.goto(`${api}/dashboard/cases`);
        expect(await page.textContent('main')).toContain('c-page');
      }, key);
      expect([role, allGood(inbox)]).toEqual([role, GOOD]);
    }
    const drillDown = await everyWidth('dashboard-responses', async (page) => {
      await page.goto(`${api}/dashboard?surveyId=${fixture.surveyId}`);
      const href = await page.locator('a[href*="/dashboard/responses?"]').first().getAttribute('href');
      await page.goto(href!);
      expect(await page.textContent('main')).toContain('The parcel came a week late');
    }, fixture.managerKey);
    expect(allGood(drillDown)).toEqual(GOOD);
    const themeDrillDown = await everyWidth('dashboard-theme-responses', async (page) => {
      await page.goto(`${api}/dashboard?surveyId=${fixture.surveyId}`);
      expect(await page.textContent('main')).toContain('What people talk about');
      const href = await page.locator('.themes a[href*="theme=delivery"]').first().getAttribute('href');
      await page.goto(href!);
      expect(await page.textContent('main')).toContain('Themes: Delivery and timing, Website and app, Communication');
    }, fixture.managerKey);
    expect(allGood(themeDrillDown)).toEqual(GOOD);
    const destinations = await everyWidth('dashboard-destinations', async (page) => {
      await page.goto(`${api}/dashboard/destinations`);
      const main = (await page.textContent('main')) ?? '';
      expect(main).toContain('Failing for');
      expect(main).toContain('HTTP 503');
      expect(main).toContain('HTTP 200');
      expect(main).toContain('Disabled by the service: the endpoint answered 410 Gone');
    }, local.runtime.adminKey);
    expect(allGood(destinations)).toEqual(GOOD);
    const dashboardCase = await everyWidth('dashboard-case', async (page) => {
      await page.goto(`${api}/dashboard/cases/${fixture.caseId}`);
      expect(await page.textContent('main')).toContain('Escalate to (e-mail)');
    }, fixture.managerKey);
    expect(allGood(dashboardCase)).toEqual(GOOD);
  });
});

