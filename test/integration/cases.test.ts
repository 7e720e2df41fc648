import { eventually, runCli, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

/** Posts one of the case page's forms, as a browser without JavaScript does. */
const postForm = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams(fields).toString() });

async function detractorCase(customerId: string, touchpoint?: string) {
  const { api, runtime } = local;
  const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput(touchpoint ? { touchpoint } : {})) })).body.id as string;
  const res = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, customerId, answers: { nps: 1, comment: `case for ${customerId}` } }) });
  const id = res.body.id as string;
  const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${id}`)), 'the alert e-mail');
  const link = new RegExp(`${runtime.apiUrl}/c/\\S+`).exec(mail.body.text!)![0];
  return { id, link, survey };
}

describe('the case page, driven over HTTP like the owner does', () => {
  it('opens from the alert e-mail without a key; acknowledge, note and resolve are recorded in the history', async () => {
    const { id, link } = await detractorCase('c-page');
    const page = await (await fetch(link)).text();
    expect(page).toContain('Acknowledge: I am on it');
    expect(page).not.toContain('<script');

    // Posted from another site (a forged form): refused, nothing recorded.
    const forged = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: 'https://evil.example' }, body: 'action=acknowledge' });
    expect(forged.status).toBe(403);
    expect((await local.api(`/admin/cases/${id}`)).body.status).toBe('open');

    // POST, then 303 back to the page: a refresh reads the page and never posts again.
    const acknowledged = await fetch(link, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'action=acknowledge' });
    expect([acknowledged.status, acknowledged.headers.get('location')]).toEqual([303, `${link}?done=acknowledge`]);
    const shown = await (await fetch(acknowledged.headers.get('location')!)).text();
    expect(shown).toContain('Acknowledged: the case is yours.');
    // The deadline stays on the page once acknowledged, marked met.
    expect(shown).toMatch(/Acknowledge by<\/th><td>[^<]+ UTC · <span class="met">met<\/span>/);
    const noted = await (await postForm(link, { action: 'note', note: 'Called her <b>back</b>; new parcel on its way' })).text();
    expect(noted).toContain('Called her &#60;b&#62;back&#60;/b&#62;; new parcel on its way');
    const resolved = await (await postForm(link, { action: 'resolve', resolution: 'compensated', note: '' })).text();
    expect(resolved).toContain('The case is resolved.');
    expect(resolved).toContain('Resolved — compensated</strong> · lead@example.com, from the e-mail link');
    expect(resolved).not.toContain('Resolve the case');

    // A stale page resolving again: nothing done, said in words on the page (no 409 in developer wording).
    const again = await postForm(link, { action: 'resolve', resolution: 'compensated' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Nothing was done: the case changed meanwhile (it is now resolved)');
    // Reassigning and escalating are a manager's, from the dashboard: not through the owner's link.
    expect((await postForm(link, { action: 'reopen' })).status).toBe(400);
    expect((await postForm(link, { action: 'escalate', to: 'boss@example.com', note: 'help' })).status).toBe(400);

    const kase = (await local.api(`/admin/cases/${id}`)).body;
    expect(kase).toMatchObject({ status: 'resolved', resolution: 'compensated', response: { id } });
    expect(kase.history.map((h: { action: string; by: string }) => `${h.action} by ${h.by}`)).toEqual([
      'opened by system',
      'acknowledge by owner:lead@example.com',
      'note by owner:lead@example.com',
      'resolve by owner:lead@example.com',
    ]);
  });
});

describe('the case admin API', () => {
  it('reads, acts (409 for an illegal transition), reassigns, and lists with filters, newest or oldest first', async () => {
    const { api } = local;
    const first = await detractorCase('c-api-1', 'returns');
    const second = await detractorCase('c-api-2', 'returns');
    const act = (id: string, body: unknown) => api(`/admin/cases/${id}/actions`, { method: 'POST', body: JSON.stringify(body) });

    expect((await act(first.id, { action: 'acknowledge', note: 'on it' })).body).toMatchObject({ status: 'acknowledged' });
    const illegal = await act(first.id, { action: 'reopen' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error).toMatchObject({ code: 'illegal_transition', details: [{ field: 'action' }] });
    expect((await act(first.id, { action: 'fly' })).status).toBe(400);
    expect((await act('does-not-exist', { action: 'acknowledge' })).status).toBe(404);
    // Twelve people noting at once: every note lands.
    const notes = await Promise.all(Array.from({ length: 12 }, (_, i) => act(first.id, { action: 'note', note: `note ${i}` })));
    expect(notes.map((n) => n.status)).toEqual(Array(12).fill(200));
    expect((await api(`/admin/cases/${first.id}`)).body.history.filter((h: { action: string }) => h.action === 'note')).toHaveLength(12);
    const assigned = await act(second.id, { action: 'assign', owner: 'returns-lead@example.com', team: 'returns' });
    expect(assigned.body).toMatchObject({ owner: 'returns-lead@example.com', team: 'returns' });
    expect(assigned.body.history.at(-1)).toMatchObject({ action: 'assign', by: 'api-key:local-admin' });
    // The old owner's link no longer opens the reassigned case.
    expect((await fetch(second.link)).status).toBe(404);

    const list = async (query: string) => (await api(`/admin/cases?${query}`)).body;
    expect((await list('touchpoint=returns&status=acknowledged')).items.map((c: { id: string }) => c.id)).toEqual([first.id]);
    expect((await list('team=returns')).items.map((c: { id: string }) => c.id)).toEqual([second.id]);
    expect((await list('owner=returns-lead@example.com')).items).toHaveLength(1);
    const newest = (await list('touchpoint=returns&order=newest')).items.map((c: { id: string }) => c.id);
    const oldest = (await list('touchpoint=returns&order=oldest')).items.map((c: { id: string }) => c.id);
    expect(newest).toEqual([second.id, first.id]);
    expect(oldest).toEqual([first.id, second.id]);
    const page1 = await list('touchpoint=returns&limit=1');
    const page2 = await list(`touchpoint=returns&limit=1&cursor=${page1.nextCursor}`);
    expect([...page1.items, ...page2.items].map((c: { id: string }) => c.id)).toEqual(newest);
    expect((await api('/admin/cases?status=lost')).body.error.details[0].field).toBe('status');
    expect((await api('/admin/cases?cursor=abc')).status).toBe(400);
    // A window back to 1900 would read one partition per month: refused, naming the field.
    const ancient = await api('/admin/cases?since=1900-01-01');
    expect([ancient.status, ancient.body.error.details[0].field]).toEqual([400, 'since']);
    // From a terminal: escalate by hand, with the reason; a missing reason is refused before anything is sent.
    const escalated = await runCli(local.runtime, ['cases', 'escalate', first.id, '--to', 'head@example.com', '--note', 'Customer threatens to leave']);
    expect([escalated.code, escalated.stdout]).toEqual([0, expect.stringContaining(`${first.id}  escalated`)]);
    expect((await runCli(local.runtime, ['cases', 'escalate', first.id, '--to', 'head@example.com'])).code).not.toBe(0);
    expect((await api(`/admin/cases/${first.id}`)).body).toMatchObject({ escalationLevel: 1, escalateTo: 'head@example.com', pendingNotice: 1 });
    // The earlier listing route serves the same.
    expect((await api('/admin/alerts?touchpoint=returns')).body.items).toHaveLength(2);
  });
});

describe('alert rules as data', () => {
  it('are read and replaced through the admin API, versioned, and route the stream\'s cases', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'billing' })) })).body.id as string;
    const path = `/admin/surveys/${survey}/alert-rules`;
    expect((await api(path)).body).toMatchObject({ version: 0, rules: [], thresholds: { npsAtMost: 6 } });
    const rules = { rules: [{ id: 'churn', name: 'Mentions cancelling', when: { field: 'comment', op: 'contains', value: 'cancel' }, severity: 'critical', routeTo: { owner: 'retention@example.com', team: 'retention' } }] };
    const put = await api(path, { method: 'PUT', body: JSON.stringify(rules) });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    expect((await api(path, { method: 'PUT', body: JSON.stringify(rules) })).status).toBe(428);
    expect((await api(path, { method: 'PUT', body: JSON.stringify(rules), headers: { 'if-match': '"0"' } })).status).toBe(409);
    const bad = await api(path, { method: 'PUT', body: JSON.stringify({ rules: [{ id: 'x', name: 'x', when: { field: 'secret', op: 'eq', value: 1 } }] }), headers: { 'if-match': '1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toMatch(/^rules\.0\.when/);
    expect((await api(`${path}?version=1`)).body).toMatchObject({ version: 1, rules: [{ id: 'churn' }] });

    // The consumer caches a survey for a minute; this survey had no response yet, so its first read has the rules.
    const promoter = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, customerId: 'c-rule', answers: { nps: 10, comment: 'Love it, but I will cancel when I move' } }) });
    const detractor = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, customerId: 'c-rule-2', answers: { nps: 1 } }) });
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${promoter.body.id}`)), 'the rule\'s alert');
    expect(mail.destination.to).toEqual(['retention@example.com']);
    expect(mail.body.text).toContain('Mentions cancelling: the comment contains "cancel"');
    await runtime.waitForIdle();
    const kase = (await api(`/admin/cases/${promoter.body.id}`)).body;
    expect(kase).toMatchObject({ severity: 'critical', owner: 'retention@example.com', team: 'retention' });
    // The rules replaced the thresholds: the detractor without a matching rule opened no case.
    expect((await api(`/admin/cases/${detractor.body.id}`)).status).toBe(404);
  })
  it('refuse an empty or all-disabled rule set, warn when an NPS 0 answer would open no case, and DELETE back to the thresholds', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'silence' })) })).body.id as string;
    const path = `/admin/surveys/${survey}/alert-rules`;
    const put = (body: unknown, version: number) => api(path, { method: 'PUT', body: JSON.stringify(body), headers: { 'if-match': String(version) } });
    for (const rules of [[], [{ id: 'off', name: 'Off', when: { field: 'nps', op: 'lte', value: 6 }, enabled: false }]]) {
      const refused = await put({ rules }, 0);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'rules', message: expect.stringContaining('every alert') })]);
    }
    expect((await api(path)).body.version).toBe(0);

    const narrow = await put({ rules: [{ id: 'gold', name: 'Gold only', when: { all: [{ field: 'nps', op: 'lte', value: 6 }, { field: 'attributes.segment', op: 'eq', value: 'gold' }] } }] }, 0);
    expect(narrow.status).toBe(200);
    expect(narrow.body.warnings).toEqual([expect.objectContaining({ field: 'rules', message: expect.stringContaining('NPS 0') })]);
    const broad = await put({ rules: [{ id: 'detractor', name: 'Detractor', when: { field: 'nps', op: 'lte', value: 6 } }] }, 1);
    expect(broad.status).toBe(200);
    expect(broad.body.warnings).toBeUndefined();

    expect((await api(path, { method: 'DELETE' })).status).toBe(428);
    const deleted = await api(path, { method: 'DELETE', headers: { 'if-match': '2' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ version: 3, rules: [], thresholds: { npsAtMost: 6 } });
    expect((await api(`${path}?version=2`)).body.rules).toHaveLength(1);

    // Back on the thresholds, a detractor opens a case again.
    const detractor = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 2 } }) });
    await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${detractor.body.id}`)), 'the threshold alert after DELETE');
  });
});

describe('the operator CLI on cases', () => {
  const cli = async (...args: string[]) => {
    const { code, stdout, stderr } = await runCli(local.runtime, args);
    return { code, out: stdout + stderr };
  };

  it('lists, shows, acknowledges and resolves a case through the admin API, and reports refusals', async () => {
    const { id } = await detractorCase('c-cli', 'cli-desk');
    const listed = await cli('cases', 'list', '--touchpoint', 'cli-desk');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`${id}\\s+open`));
    expect((await cli('cases', 'ack', id, '--note', 'calling now')).out).toMatch(/acknowledged/);
    expect((await cli('cases', 'resolve', id, '--resolution', 'resolved-with-customer')).out).toMatch(/resolved/);
    const refused = await cli('cases', 'ack', id);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('409');
    const shown = await cli('cases', 'show', id);
    expect(shown.out).toContain('acknowledge (api-key:local-admin) — calling now');
    expect(shown.out).toContain('resolve: resolved-with-customer');
  });
});
