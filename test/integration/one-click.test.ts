import type { Browser } from 'playwright-core';
import { launchChromium, screenshot, seriousAccessibilityViolations } from './browser';
import { eventually, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();
let browser: Browser;
let surveyId: string;

beforeAll(async () => {
  browser = await launchChromium();
  surveyId = (await local.api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'delivery' })) })).body.id;
});
afterAll(async () => {
  await browser?.close();
});

/** Invites one contact and returns the eleven one-click links of their e-mail. */
async function invite(email: string, customerId: string, survey = surveyId): Promise<string[]> {
  const res = await local.api(`/admin/surveys/${survey}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email, customerId }] }) });
  expect(res.body.invitations[0].status).toBe('sent');
  const mail = await eventually(async () => (await sentEmails(local.runtime)).find((m) => m.destination.to.includes(email)), `the invitation to ${email}`);
  return [...mail.body.text!.matchAll(/https?:\/\/\S+\/r\/\S+\?score=\d+/g)].map((m) => m[0]);
}

const responsesOf = async (customerId: string, survey = surveyId) =>
  ((await local.api(`/admin/responses?surveyId=${survey}&limit=100`)).body.items as { id: string; customerId?: string; status: string; revision: number; answers: Record<string, unknown> }[]).filter((r) => r.customerId === customerId);

const alertsFor = async (customerId: string) => (await sentEmails(local.runtime)).filter((m) => m.destination.to.includes('lead@example.com') && m.body.text?.includes(customerId));

describe('one-click score links in a real browser (Chromium)', () => {
  it("saves the clicked score as soon as a person's browser shows the page, and the button completes it with a comment", async () => {
    const links = await invite('ana@example.com', 'oc-ana');
    const page = await browser.newPage();
    const csp: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && csp.push(m.text()));
    await page.goto(links[2]);
    await page.waitForSelector('#confirm-status[data-state="saved"]', { timeout: 15_000 });
    expect(await page.textContent('#confirm-status')).toContain('Your score 2 is saved');
    expect(csp).toEqual([]);
    await screenshot(page, 'one-click-saved');

    // The tab could close now: the bad score is stored; its alert waits a while for the page's comment.
    const [partial] = await responsesOf('oc-ana');
    expect(partial).toMatchObject({ status: 'partial', revision: 1, answers: { nps: 2 } });
    await local.runtime.waitForIdle();
    expect(await alertsFor('oc-ana')).toHaveLength(0);

    await page.fill('textarea[name="answers.comment"]', 'The parcel came a week late');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(await page.textContent('h1')).toContain('Thank you');
    await page.close();

    await local.runtime.waitForIdle();
    const completed = await responsesOf('oc-ana');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ status: 'complete', revision: 2, answers: { nps: 2, comment: 'The parcel came a week late' } });
    // One bad experience, one alert, with the comment in it, whatever the number of revisions.
    const alerts = await alertsFor('oc-ana');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].body.text).toContain('> The parcel came a week late');
    // The wait is over: nothing more goes out.
    await local.runtime.invoke('sweepPending', { olderThanSeconds: 0 });
    expect(await alertsFor('oc-ana')).toHaveLength(1);
  });

  it('alerts when the wait for a comment is over, and follows up once with the comment that comes later', async () => {
    const quick = (await local.api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'delivery', alert: { commentGraceSeconds: 1 } })) })).body.id as string;
    const links = await invite('eve@example.com', 'oc-eve', quick);
    const page = await browser.newPage();
    await page.goto(links[1]);
    await page.waitForSelector('#confirm-status[data-state="saved"]', { timeout: 15_000 });
    await local.runtime.waitForIdle();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The sweeper (every minute in AWS) sends the held alert once its wait is over.
    await local.runtime.invoke('sweepPending', {});
    const [alert] = await eventually(async () => { const found = await alertsFor('oc-eve'); return found.length === 1 && found; }, 'the alert after the wait');
    expect(alert.body.text).toContain('> (none)');

    await page.fill('textarea[name="answers.comment"]', 'Nobody called me back');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.close();
    await local.runtime.waitForIdle();
    const mails = await alertsFor('oc-eve');
    expect(mails.map((m) => m.subject)).toEqual([alert.subject, `Comment added: ${alert.subject}`]);
    expect(mails[1].body.text).toContain('> Nobody called me back');
    const [response] = await responsesOf('oc-eve', quick);
    const kase = (await local.api(`/admin/cases/${response.id}`)).body;
    expect(kase.comment).toBe('Nobody called me back');
    expect(kase.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'comment']);
  });

  it('leaves recording to the button when links of several scores were opened (a mail scanner following every link)', async () => {
    const links = await invite('bo@example.com', 'oc-bo');
    for (const link of [links[0], links[10]]) expect((await fetch(link)).status).toBe(200);
    const page = await browser.newPage();
    await page.goto(links[7]);
    expect(await page.$('script')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await local.runtime.waitForIdle();
    expect(await responsesOf('oc-bo')).toEqual([]);
    // The same refusal for a script that still posts a confirmation.
    const token = /\/r\/([^?]+)/.exec(links[7])![1];
    const confirm = await local.api(`/r/${token}`, { method: 'POST', key: null, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answers.nps=7&confirm=1' });
    expect(confirm.status).toBe(409);
    expect(confirm.body.error).toMatchObject({ code: 'confirm_by_button', details: [{ field: 'confirm' }] });

    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(await page.textContent('h1')).toContain('Thank you');
    await page.close();
    expect(await responsesOf('oc-bo')).toEqual([expect.objectContaining({ status: 'complete', answers: expect.objectContaining({ nps: 7 }) })]);
  });

  it('the one-click page and the hosted form have no serious accessibility violations (axe-core)', async () => {
    const links = await invite('cy@example.com', 'oc-cy');
    const page = await browser.newPage();
    await page.goto(links[9]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'one-click-page');
    await page.goto(`${local.runtime.apiUrl}/s/${surveyId}`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'hosted-form');
    await page.close();
  });

  it('the funnel counts what happened: a page opened without a script ends without an answer', async () => {
    const links = await invite('di@example.com', 'oc-di');
    expect((await fetch(links[5])).status).toBe(200);
    await local.runtime.waitForIdle();
    const funnel = (await local.api(`/admin/reports/funnel?surveyId=${surveyId}`)).body;
    // Ana and Bo completed their answers; Cy's page saved her score by itself (partial); Di's page was served only.
    expect(funnel.channels).toEqual([expect.objectContaining({ channel: 'email', invited: 4, opened: 4, answered: 3, completed: 2, openedWithoutAnswer: 1 })]);
  });
});
