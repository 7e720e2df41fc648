import { Webhook } from 'standardwebhooks';
import type { ReceivedWebhook } from '../../local/webhook-receiver';
import { eventually, runCli, surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

/* Destinations over HTTP and the CLI: what is stored, what is shown, and every URL the SSRF rules refuse. */
const local = useTestRuntime();
const webhook = (url: string, extra: Record<string, unknown> = {}) => ({ name: 'Helpdesk', type: 'webhook', url, events: ['case.opened'], ...extra });

describe('destinations', () => {
  it('creates a signed webhook whose secret is shown once, lists it without it, rotates and deletes it', async () => {
    const { api } = local;
    const created = await api('/admin/destinations', { method: 'POST', body: JSON.stringify(webhook('https://helpdesk.example.org/hooks/cx')) });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const id = created.body.id as string;
    const read = await api(`/admin/destinations/${id}`);
    expect(read.body).toMatchObject({ id, type: 'webhook', url: 'https://helpdesk.example.org/hooks/cx', enabled: true, secrets: [{ active: true }] });
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
    expect(JSON.stringify((await api('/admin/destinations')).body)).not.toContain('whsec_');

    const rotated = await api(`/admin/destinations/${id}/rotate`, { method: 'POST', body: '{}' });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    // Both sign during the overlap: the old one until it expires.
    expect(rotated.body.secrets).toEqual([expect.objectContaining({ active: true, expiresAt: expect.any(String) }), { createdAt: expect.any(String), active: true }]);

    const changed = await api(`/admin/destinations/${id}`, { method: 'PUT', body: JSON.stringify(webhook('https://helpdesk.example.org/v2', { enabled: false })) });
    expect(changed.body).toMatchObject({ url: 'https://helpdesk.example.org/v2', enabled: false, events: ['case.opened'] });
    // Only events the service sends can be subscribed to (every event type is sent now: an unknown one is refused).
    const later = await api(`/admin/destinations/${id}`, { method: 'PUT', body: JSON.stringify(webhook('https://helpdesk.example.org/v2', { events: ['case.opened', 'case.deleted'] })) });
    expect(later.status).toBe(400);
    const retyped = await api(`/admin/destinations/${id}`, { method: 'PUT', body: JSON.stringify(webhook('https://hooks.slack.com/services/T/B/x', { type: 'slack' })) });
    expect(retyped.status).toBe(400);
    expect(retyped.body.error.details[0].field).toBe('type');

    expect((await api(`/admin/destinations/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`/admin/destinations/${id}`)).status).toBe(404);
    expect((await api(`/admin/destinations/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses, with 400 naming the url, private, loopback, link-local and unique-local addresses, and non-https in AWS form', async () => {
    const { api } = local;
    // Loopback forms (0x7f000001, 2130706433, localhost) are this machine, which the local runtime allows for its
    // receiver; without that setting (AWS) they are refused too: test/unit/domain/destinations/addresses.test.ts.
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://10.0.0.8/hook', 'https://[fd00::1]/hook', 'https://[::ffff:169.254.169.254]/', 'https://0xa9fea9fe/', 'https://192.168.1.1/', 'http://example.org/hook', 'https://user:pw@example.org/', 'ftp://example.org/', 'https://intranet/hook']) {
      const res = await api('/admin/destinations', { method: 'POST', body: JSON.stringify(webhook(url)) });
      expect([url, res.status]).toEqual([url, 400]);
      expect([url, res.body.error.details.every((d: { field: string }) => d.field === 'url')]).toEqual([url, true]);
    }
    const slack = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Team', type: 'slack', url: 'https://example.org/not-slack', events: ['case.opened'] }) });
    expect(slack.status).toBe(400);
    const unknownEvent = await api('/admin/destinations', { method: 'POST', body: JSON.stringify(webhook('https://example.org/h', { events: ['case.deleted'] })) });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.details[0].field).toMatch(/^events/);
    // Nothing half-written.
    expect((await api('/admin/destinations')).body.items.filter((d: { url: string }) => !d.url.startsWith('https://helpdesk'))).toEqual([]);
  });

  it('takes http://127.0.0.1 on this machine only (the local receiver), and hides a chat URL, which is itself a credential', async () => {
    const { api, runtime } = local;
    const localHook = await api('/admin/destinations', { method: 'POST', body: JSON.stringify(webhook('http://127.0.0.1:4999/hooks')) });
    expect(localHook.status).toBe(201);
    const slack = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'CX channel', type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET', events: ['case.opened'] }) });
    expect(slack.status).toBe(201);
    expect(slack.body.url).toBe('https://hooks.slack.com/…');
    expect(slack.body.secret).toBeUndefined();
    const listed = await runCli(runtime, ['destinations', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('http://127.0.0.1:4999/hooks');
    expect(listed.stdout).not.toContain('XXXXSECRET');
    // Analysts and managers do not manage destinations.
    const analyst = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'insights', role: 'analyst' }) })).body.key as string;
    expect((await api('/admin/destinations', { key: analyst })).status).toBe(403);
  });
});

describe('delivery to destinations', () => {
  it('sends a detractor\'s case.opened to a signed webhook and a Block Kit message to a Slack-type destination, both at the local receiver', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'checkout' })) })).body.id as string;
    const hook = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Helpdesk', type: 'webhook', url: `${runtime.webhookReceiverUrl}/helpdesk`, events: ['case.opened'], filter: { surveyId: survey } }) });
    const slack = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'CX channel', type: 'slack', url: `${runtime.webhookReceiverUrl}/slack`, events: ['case.opened'], filter: { surveyId: survey } }) });
    expect([hook.status, slack.status]).toEqual([201, 201]);
    await new Promise((r) => setTimeout(r, 1100)); // the destinations cache (DESTINATIONS_CACHE_SECONDS)
    const id = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 1, comment: 'the parcel <!channel> never came' } }) })).body.id as string;
    const received = async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received;
    const signed = await eventually(async () => (await received()).find((r) => r.path === '/helpdesk' && r.body.includes(id)), 'the signed webhook');
    expect(signed.signature).toBe('valid');
    expect(signed.headers['webhook-id']).toMatch(/^evt_/);
    const event = JSON.parse(signed.body);
    expect(event).toMatchObject({ type: 'case.opened', version: 1, data: { caseId: id, surveyId: survey, touchpoint: 'checkout', severity: 'critical' } });
    expect(signed.body).not.toContain(runtime.adminKey);
    // The secret the receiver knows verifies it, from the receiver's side, with the Standard Webhooks library.
    const secret = hook.body.secret as string;
    expect(() => new Webhook(secret).verify(signed.body, signed.headers)).not.toThrow();

    const chat = await eventually(async () => (await received()).find((r) => r.path === '/slack' && r.body.includes('never came')), 'the Slack message');
    expect(chat.signature).toBe('unsigned');
    const blocks = JSON.parse(chat.body).blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).toEqual(expect.arrayContaining(['header', 'section', 'actions']));
    expect(chat.body).not.toContain('<!channel>');

    // The delivery log: one delivered attempt each.
    const log = await eventually(async () => {
      const res = await api(`/admin/destinations/${hook.body.id}/deliveries`);
      return res.status === 200 && res.body.items.length > 0 && res.body;
    }, 'the delivery log');
    expect(log.items[0]).toMatchObject({ eventId: signed.headers['webhook-id'], state: 'delivered', attempts: [expect.objectContaining({ status: 200 })] });
  });

  it('records a failed attempt and keeps the delivery for a retry; a receiver answering 410 disables its destination', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'returns' })) })).body.id as string;
    const hook = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Flaky', type: 'webhook', url: `${runtime.webhookReceiverUrl}/flaky`, events: ['case.opened'], filter: { surveyId: survey } }) })).body;
    await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 500, times: 1 }) });
    await new Promise((r) => setTimeout(r, 1100)); // the destinations cache (DESTINATIONS_CACHE_SECONDS)
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 2 } }) });
    const failed = await eventually(async () => (await api(`/admin/destinations/${hook.id}/deliveries`)).body.items?.[0]?.attempts?.length > 0 && (await api(`/admin/destinations/${hook.id}/deliveries`)).body.items[0], 'the failed attempt');
    expect(failed).toMatchObject({ state: 'pending', attempts: [expect.objectContaining({ status: 500 })], nextAttemptAt: expect.any(String) });
    // The operator replays it and runs the sweep now: it arrives, under the same webhook-id.
    expect((await runCli(runtime, ['destinations', 'replay', hook.id])).stdout).toContain('1 delivery queued again');
    expect((await runCli(runtime, ['replay'])).code).toBe(0);
    const log = (await api(`/admin/destinations/${hook.id}/deliveries`)).body.items[0];
    expect(log).toMatchObject({ eventId: failed.eventId, state: 'delivered', attempts: [expect.objectContaining({ status: 500 }), expect.objectContaining({ status: 200 })] });
    const arrived = ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.filter((r) => r.path === '/flaky');
    expect(arrived.map((r) => [r.headers['webhook-id'], r.status])).toEqual([[failed.eventId, 500], [failed.eventId, 200]]);

    await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 410, times: 1 }) });
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 3 } }) });
    const gone = await eventually(async () => {
      const d = (await api(`/admin/destinations/${hook.id}`)).body;
      return d.disabledReason && d;
    }, 'the destination disabled');
    expect(gone).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
  });

  it('follows a case through its life (updated, escalated, resolved) and announces completed responses, each signed, once', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'repairs' })) })).body.id as string;
    const hook = (
      await api('/admin/destinations', {
        method: 'POST',
        body: JSON.stringify({ name: 'CRM', type: 'webhook', url: `${runtime.webhookReceiverUrl}/crm`, events: ['response.completed', 'case.updated', 'case.escalated', 'case.resolved'], filter: { surveyId: survey } }),
      })
    ).body;
    const received = async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.filter((r) => r.path === '/crm');
    // Functions read the destinations at most once per DESTINATIONS_CACHE_SECONDS (a second here, a minute in AWS).
    await new Promise((r) => setTimeout(r, 1100));
    const detractor = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 0, comment: 'the repair failed twice' } }) })).body.id as string;
    const promoter = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 10 } }) })).body.id as string;
    // Every response, the promoter's too (with nothing else to do, it still goes through processing for the event).
    await eventually(async () => (await received()).filter((r) => r.body.includes('"response.completed"')).length === 2, 'two response.completed events');
    const completed = (await received()).filter((r) => r.body.includes('"response.completed"')).map((r) => JSON.parse(r.body));
    expect(completed.map((e) => e.data.responseId).sort()).toEqual([detractor, promoter].sort());
    expect(completed.find((e) => e.data.responseId === promoter).data).toMatchObject({ surveyId: survey, touchpoint: 'repairs', scores: { nps: 10 } });

    await eventually(async () => (await api(`/admin/cases/${detractor}`)).status === 200, 'the case');
    const act = (body: unknown) => api(`/admin/cases/${detractor}/actions`, { method: 'POST', body: JSON.stringify(body) });
    expect((await act({ action: 'acknowledge', note: 'calling the customer' })).status).toBe(200);
    expect((await act({ action: 'escalate', to: 'lead@example.com', note: 'second failure' })).status).toBe(200);
    expect((await act({ action: 'resolve', resolution: 'compensated' })).status).toBe(200);
    const lifecycle = await eventually(async () => {
      const events = (await received()).filter((r) => /"case\.(updated|escalated|resolved)"/.test(r.body));
      return events.length >= 3 && events;
    }, 'the case events');
    expect(lifecycle.map((r) => JSON.parse(r.body).type)).toEqual(['case.updated', 'case.escalated', 'case.resolved']);
    expect(lifecycle.map((r) => JSON.parse(r.body).data.change.action)).toEqual(['acknowledge', 'escalated', 'resolve']);
    for (const r of lifecycle) expect(() => new Webhook(hook.secret).verify(r.body, r.headers)).not.toThrow();
    expect(JSON.parse(lifecycle[2]!.body).data).toMatchObject({ caseId: detractor, status: 'resolved', resolvedAt: expect.any(String), escalationLevel: 1 });
    // The escalation notice's own writes (claimed, sent) add no step: no further events, and none twice.
    await runCli(runtime, ['replay']);
    await new Promise((r) => setTimeout(r, 1500));
    const ids = (await received()).map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await received()).filter((r) => /"case\./.test(r.body))).toHaveLength(3);
  });

  it('sends a case to the destination its alert rule routes to, whatever that destination\'s filter; a route to nowhere is refused', async () => {
    const { api, runtime } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'billing' })) })).body.id as string;
    // Its own filter would keep this survey's cases out: only the rule's route brings them.
    const billing = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Billing desk', type: 'webhook', url: `${runtime.webhookReceiverUrl}/billing`, events: ['case.opened'], filter: { touchpoint: 'nowhere' } }) })).body;
    const quiet = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Only resolutions', type: 'webhook', url: `${runtime.webhookReceiverUrl}/quiet`, events: ['case.resolved'] }) })).body;
    const rule = (destination: string) => ({ rules: [{ id: 'billing', name: 'Billing complaints', when: { field: 'nps', op: 'lte', value: 6 }, severity: 'high', routeTo: { destination } }] });
    const refused = await api(`/admin/surveys/${survey}/alert-rules`, { method: 'PUT', body: JSON.stringify(rule('dst_missing')) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ field: 'rules.0.routeTo.destination', message: 'no such destination' }]);
    const notOpened = await api(`/admin/surveys/${survey}/alert-rules`, { method: 'PUT', body: JSON.stringify(rule(quiet.id)) });
    expect(notOpened.body.error.details[0].message).toContain('case.opened');
    expect((await api(`/admin/surveys/${survey}/alert-rules`, { method: 'PUT', body: JSON.stringify(rule(billing.id)) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // the destinations cache (DESTINATIONS_CACHE_SECONDS)
    const id = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 4 } }) })).body.id as string;
    const got = await eventually(async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.find((r) => r.path === '/billing' && r.body.includes(id)), 'the routed case');
    expect(JSON.parse(got.body)).toMatchObject({ type: 'case.opened', data: { caseId: id, severity: 'high' } });
    expect(got.signature).toBe('valid');
    // While the rule routes to it, it keeps taking cases: not deleted, disabled or unsubscribed from case.opened.
    const body = { name: 'Billing desk', type: 'webhook', url: `${runtime.webhookReceiverUrl}/billing`, events: ['case.opened'], filter: { touchpoint: 'nowhere' } };
    const unsubscribed = await api(`/admin/destinations/${billing.id}`, { method: 'PUT', body: JSON.stringify({ ...body, events: ['case.resolved'] }) });
    expect([unsubscribed.status, unsubscribed.body.error.details[0].field]).toEqual([409, 'events']);
    expect(unsubscribed.body.error.details[0].message).toContain(survey);
    const disabled = await api(`/admin/destinations/${billing.id}`, { method: 'PUT', body: JSON.stringify({ ...body, enabled: false }) });
    expect([disabled.status, disabled.body.error.details[0].field]).toEqual([409, 'enabled']);
    expect((await api(`/admin/destinations/${billing.id}`, { method: 'DELETE' })).status).toBe(409);
    const rules = (await api(`/admin/surveys/${survey}/alert-rules`)).body;
    expect((await api(`/admin/surveys/${survey}/alert-rules`, { method: 'DELETE', headers: { 'if-match': `"${rules.version}"` } })).status).toBe(200);
    expect((await api(`/admin/destinations/${billing.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('never loses a rotated secret or brings back a deleted destination when edits race', async () => {
    const { api } = local;
    const body = webhook('https://helpdesk.example.org/race');
    const hook = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify(body) })).body;
    for (let round = 0; round < 5; round++) {
      const [rotated, edited] = await Promise.all([
        api(`/admin/destinations/${hook.id}/rotate`, { method: 'POST', body: '{}' }),
        api(`/admin/destinations/${hook.id}`, { method: 'PUT', body: JSON.stringify({ ...body, name: `Helpdesk ${round}` }) }),
      ]);
      expect([200, 409]).toContain(rotated.status);
      expect([200, 409]).toContain(edited.status);
      const after = (await api(`/admin/destinations/${hook.id}`)).body;
      // A secret shown to the caller is one that signs.
      if (rotated.status === 200) expect(after.secrets.map((s: { createdAt: string }) => s.createdAt)).toContain(rotated.body.secrets.at(-1).createdAt);
    }
    const [edited, deleted] = await Promise.all([
      api(`/admin/destinations/${hook.id}`, { method: 'PUT', body: JSON.stringify(body) }),
      api(`/admin/destinations/${hook.id}`, { method: 'DELETE' }),
    ]);
    const gone = (await api(`/admin/destinations/${hook.id}`)).status;
    // Either the edit came first and the delete removed it, or the delete won and the edit was refused.
    if (deleted.status === 200) expect(gone).toBe(404);
    else expect([edited.status, deleted.status, gone]).toEqual([200, 409, 200]);
  });
});

describe('destinations in the dashboard', () => {
  const signIn = async (key: string) => {
    const res = await fetch(`${local.runtime.apiUrl}/dashboard/session`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ apiKey: key }).toString() });
    return /cx_dashboard=[^;]*/.exec(res.headers.get('set-cookie') ?? '')![0];
  };
  const page = async (cookie: string, path = '/dashboard/destinations') => {
    const res = await fetch(`${local.runtime.apiUrl}${path}`, { headers: { cookie } });
    return { status: res.status, html: await res.text() };
  };
  /** The section of one destination, as text (tags dropped, entities of this page decoded). */
  const sectionOf = (html: string, id: string) => {
    const start = html.indexOf(`data-destination="${id}"`);
    expect(start).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf('</section>', start)).replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');
  };

  it('shows a failing webhook with the attempt that failed, delivering again after a replay, and the reason when a 410 disabled it; never a secret or a whole chat URL', async () => {
    const { api, runtime } = local;
    const admin = await signIn(runtime.adminKey);
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'billing' })) })).body.id as string;
    const hook = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Billing desk', type: 'webhook', url: `${runtime.webhookReceiverUrl}/billing`, events: ['case.opened'], filter: { surveyId: survey } }) })).body;
    // Subscribed to another event, so the webhook alone takes the failing answer.
    const slack = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Billing channel', type: 'slack', url: `${runtime.webhookReceiverUrl}/slack/T000/B000/hidden-token`, events: ['case.resolved'], filter: { surveyId: survey } }) })).body;
    expect(hook.secret).toMatch(/^whsec_/);

    // Nothing sent yet.
    expect(sectionOf((await page(admin)).html, hook.id)).toContain('Nothing sent yet');

    // The receiver fails the next request: the webhook's first attempt.
    await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 500, times: 1 }) });
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 1, comment: 'Charged twice this month.' } }) });
    await eventually(async () => (await api(`/admin/destinations/${hook.id}/deliveries`)).body.items?.[0]?.attempts?.length > 0, 'the failed attempt');
    const first = (await api(`/admin/destinations/${hook.id}/deliveries`)).body.items[0];
    expect(first).toMatchObject({ state: 'pending', attempts: [expect.objectContaining({ status: 500 })] });

    const failing = await page(admin);
    expect(failing.status).toBe(200);
    const hookText = sectionOf(failing.html, hook.id);
    expect(hookText).toContain('Billing desk Failing for');
    expect(hookText).toContain('Signed webhook');
    expect(hookText).toContain(`${runtime.webhookReceiverUrl}/billing`);
    expect(hookText).toContain('case.opened');
    expect(hookText).toMatch(/Last delivered never/);
    expect(hookText).toMatch(/Failing since .* UTC \((just now|\d+ min ago)\); last: HTTP 500 in \d+ ms/);
    expect(hookText).toMatch(/Pending 1, next try/);
    expect(hookText).toMatch(/Given up \(dead\) 0/);
    // One row: event, queued, state, attempts, last attempt, next try.
    expect(hookText).toMatch(/The latest delivery .* Next try case\.opened \w+, .* UTC pending 1 HTTP 500 in \d+ ms (in \d+ min|within a minute)/);
    const slackText = sectionOf(failing.html, slack.id);
    expect(slackText).toMatch(/Billing channel Nothing sent yet/);
    expect(slackText).toContain('Slack');
    expect(slackText).toContain(`${new URL(runtime.webhookReceiverUrl).origin}/…`);
    expect(slackText).toContain('No deliveries yet');
    // No secret, no whole chat URL anywhere on the page.
    expect(failing.html).not.toContain(hook.secret);
    expect(failing.html).not.toContain('whsec_');
    expect(failing.html).not.toContain('hidden-token');

    // The receiver is back; a replay and a sweep deliver it.
    expect((await api(`/admin/destinations/${hook.id}/replay`, { method: 'POST', body: '{}' })).status).toBe(202);
    expect((await runCli(runtime, ['replay'])).code).toBe(0);
    const recovered = sectionOf((await page(admin)).html, hook.id);
    expect(recovered).toContain('Billing desk Delivering');
    expect(recovered).not.toContain('Failing since');
    expect(recovered).toMatch(/Last delivered .*UTC/);
    expect(recovered).toMatch(/Pending 0 Given up \(dead\) 0/);
    expect(recovered).toMatch(/case\.opened \w+, .* UTC delivered 2 HTTP 200 in \d+ ms —/);

    // A 410 Gone: the service disables the destination and the page says why.
    await fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify({ answer: 'status', status: 410, times: 1 }) });
    await api(`/admin/destinations/${slack.id}`, { method: 'PUT', body: JSON.stringify({ name: 'Billing channel', type: 'slack', url: `${runtime.webhookReceiverUrl}/slack/T000/B000/hidden-token`, events: ['case.resolved'], enabled: false }) });
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: 2 } }) });
    await eventually(async () => (await api(`/admin/destinations/${hook.id}`)).body.disabledReason, 'the destination disabled');
    const gone = await page(admin);
    const goneText = sectionOf(gone.html, hook.id);
    expect(goneText).toMatch(/Disabled by the service: the endpoint answered 410 Gone on [\d-]+T[\d:.]+Z\. Fix the endpoint/);
    expect(goneText).toContain('State Disabled by the service');
    expect(goneText).toMatch(/Given up \(dead\) 1/);
    expect(goneText).toMatch(/^[^>]*> Billing desk Disabled by the service Sends to/);
    expect(goneText).toMatch(/Failing since .* UTC .*; last: HTTP 410 in \d+ ms/);
    // Turned off by an admin: disabled, without a reason from the service.
    expect(sectionOf(gone.html, slack.id)).toMatch(/Billing channel Disabled Sends to [^ ]+ Type Slack .* State Disabled Last delivered never/);
    expect(gone.html).not.toContain('hidden-token');
  });

  it('is for admin keys: linked from their navigation only, a 403 page for a manager or analyst, the sign-in page without a session', async () => {
    const { api, runtime } = local;
    const admin = await signIn(runtime.adminKey);
    expect((await page(admin, '/dashboard')).html).toContain('/dashboard/destinations"');
    for (const body of [{ name: 'lead', role: 'manager', scope: { surveys: ['s1'] } }, { name: 'numbers', role: 'analyst' }]) {
      const cookie = await signIn((await api('/admin/keys', { method: 'POST', body: JSON.stringify(body) })).body.key);
      const refused = await page(cookie);
      expect([body.role, refused.status, refused.html.includes('Destinations are for admin keys.'), refused.html.includes('data-destination=')]).toEqual([body.role, 403, true, false]);
      expect((await page(cookie, '/dashboard')).html).not.toContain('/dashboard/destinations"');
    }
    const anonymous = await fetch(`${runtime.apiUrl}/dashboard/destinations`);
    expect([anonymous.status, (await anonymous.text()).includes('id="apiKey"')]).toEqual([200, true]);
  });
});
