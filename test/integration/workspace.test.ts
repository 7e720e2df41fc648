import { eventually, isAlertEmail, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(180_000);

const local = useTestRuntime();

/** A dashboard session for a key, as the sign-in form makes it: the session cookie. */
async function session(key: string): Promise<string> {
  const res = await fetch(`${local.runtime.apiUrl}/dashboard/session`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ apiKey: key }).toString() });
  expect(res.status).toBe(303);
  return /cx_dashboard=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

const page = (cookie: string, path: string, init: RequestInit = {}) =>
  fetch(`${local.runtime.apiUrl}${path}`, { redirect: 'manual', ...init, headers: { cookie, accept: 'text/html', ...(init.headers as Record<string, string>) } });

const act = (cookie: string, path: string, fields: Record<string, string>) =>
  page(cookie, path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe("the owner's alert and case, and the manager's workspace", () => {
  it('carry the CRM profile and the customer timeline; a manager reassigns and escalates from the dashboard, recorded as themselves', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'delivery', timeZone: 'Europe/Berlin' })) })).body.id as string;
    const imported = await api('/admin/customers/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'customerId,name,segment,lifetimeValue,contractState,accountManager\nc-1042,Jane Roe,gold,12500,notice-given,am@example.com\n',
    });
    expect(imported.body).toMatchObject({ upserted: 1 });
    const answer = (nps: number, comment: string) => api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, customerId: 'c-1042', answers: { nps, comment } }) });
    const earlier = (await answer(9, 'Fine last time')).body.id as string;
    await runtime.waitForIdle();
    const current = (await answer(2, 'The parcel came a week late and nobody called back')).body.id as string;

    // The alert e-mail: a subject that tells alerts apart without a name, the reasons in words, the profile.
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => isAlertEmail(m) && m.body.text?.includes(`Case: ${current}`)), 'the alert e-mail');
    expect(mail.subject).toBe('NPS 2 · delivery · c-1042 (gold) · critical');
    expect(mail.subject).not.toContain('Jane');
    expect(mail.body.text).toContain('- Likelihood to recommend: 2 — alert at 6 or below');
    expect(mail.body.text).toMatch(/Answered: \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} Europe\/Berlin/);
    expect(mail.body.text).toContain('Name: Jane Roe\nSegment: gold\nLifetime value: 12,500\nContract: notice-given\nAccount manager: am@example.com');
    expect(mail.body.html).toContain('background:#8e0b0b');

    // A manager with an address: the case is theirs once reassigned, in "Mine".
    const created = await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'delivery-lead', role: 'manager', scope: { surveys: [survey] }, email: 'delivery-lead@example.com' }) });
    expect(created.status).toBe(201);
    const cookie = await session(created.body.key);
    const team = await (await page(cookie, '/dashboard/cases?view=team')).text();
    expect(team).toContain(`/dashboard/cases/${current}`);
    expect(team).toContain('The parcel came a week late and nobody called back');
    expect(await (await page(cookie, '/dashboard/cases?view=mine')).text()).toContain('No cases match.');

    const casePath = `/dashboard/cases/${current}`;
    const shown = await (await page(cookie, casePath)).text();
    expect(shown).toContain('Jane Roe');
    expect(shown).toContain('notice-given');
    // The earlier answer on the timeline, not the current one.
    expect(shown).toMatch(/Earlier responses of this customer<\/h2><ul class="timeline"><li>.*NPS 9/);

    const reassigned = await act(cookie, casePath, { action: 'assign', owner: 'delivery-lead@example.com', note: 'I know this customer' });
    expect([reassigned.status, reassigned.headers.get('location')]).toEqual([303, `${runtime.apiUrl}${casePath}?done=assign`]);
    expect(await (await page(cookie, '/dashboard/cases?view=mine')).text()).toContain(`/dashboard/cases/${current}`);
    const escalated = await act(cookie, casePath, { action: 'escalate', to: 'head-of-service@example.com', note: 'Gold customer about to leave' });
    expect(escalated.status).toBe(303);
    const after = await (await page(cookie, `${casePath}?done=escalate`)).text();
    expect(after).toContain('The case is escalated');
    expect(after).toContain('Reassigned to delivery-lead@example.com</strong> · delivery-lead, in the dashboard');
    expect(after).toContain('Escalated — level 1 to head-of-service@example.com, by hand</strong> · delivery-lead, in the dashboard');
    // Escalating again right away: said in words, nothing done.
    const twice = await act(cookie, casePath, { action: 'escalate', to: 'head-of-service@example.com', note: 'again' });
    expect((await (await page(cookie, twice.headers.get('location')!.replace(runtime.apiUrl, ''))).text())).toContain('Nothing was done');

    // The escalation sweep sends the notice to whoever it was escalated to.
    await runtime.invoke('escalateCases', {});
    const notice = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes('head-of-service@example.com')), 'the escalation notice');
    expect(notice.subject).toBe('Escalated (level 1): NPS 2 · delivery · c-1042 (gold) · critical');
    const kase = (await api(`/admin/cases/${current}`)).body;
    expect(kase.history.map((h: { action: string; by: string }) => `${h.action} by ${h.by}`)).toEqual([
      'opened by system',
      'assign by dashboard:delivery-lead',
      'escalated by dashboard:delivery-lead',
    ]);
    expect(earlier).not.toBe(current);

    // Drill-down: from a week of the touchpoint trend to the responses and comments behind it.
    const reports = await (await page(cookie, `/dashboard?surveyId=${survey}`)).text();
    const weekLink = /<a href="([^"]+\/dashboard\/responses\?[^"]*touchpoint=delivery[^"]*)">/.exec(reports)![1].replace(/&#38;/g, '&');
    const behind = await (await page(cookie, weekLink.replace(runtime.apiUrl, ''))).text();
    expect(behind).toContain('2 responses.');
    expect(behind).toContain('The parcel came a week late and nobody called back');
    expect(behind).toContain(`/dashboard/cases/${current}`);

    // Outside the manager's scope, or an analyst: no case page, and no responses behind the figures.
    const analyst = await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'numbers', role: 'analyst' }) });
    const analystSession = await session(analyst.body.key);
    expect((await page(analystSession, casePath)).status).toBe(404);
    const refused = await (await page(analystSession, weekLink.replace(runtime.apiUrl, ''))).text();
    expect(refused).toContain('An analyst key sees reports, not the responses behind them.');
    expect(refused).not.toContain('The parcel came');
  });
});
