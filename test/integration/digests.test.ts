import { Webhook } from 'standardwebhooks';
import { freePort } from '../../local/ports';
import { EVENT_SCHEMAS } from '../../lambdas/domain/destinations/event-schemas';
import type { LocalRuntime } from '../../local/runtime';
import type { ReceivedWebhook } from '../../local/webhook-receiver';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { apiClient, eventually, runCli, sentEmails, startTestRuntime, surveyInput, type ApiClient } from './support';

jest.setTimeout(120_000);

/*
 * A survey's daily digest through the local runtime: real DynamoDB Local (claims, cells, cases), the SES
 * emulator, the outbox and the webhook receiver; sent by `cx digests send`, which runs the escalation
 * function's digest step as of --now. The handlers reach SES through a proxy that can be taken down.
 */
const local = {} as { runtime: LocalRuntime; api: ApiClient };
let ses: FaultProxy;

beforeAll(async () => {
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), sns: await freePort(), sms: await freePort(), webhooks: 0 };
  ses = await startFaultProxy(ports.ses);
  local.runtime = await startTestRuntime({ ports, env: { AWS_ENDPOINT_URL_SESV2: ses.url, AWS_ENDPOINT_URL_SES: ses.url } });
  local.api = apiClient(local.runtime);
});

afterAll(async () => {
  await local.runtime?.stop();
  await ses?.stop();
});

describe('digests', () => {
  it('sends one digest e-mail with the period\'s figures and one signed digest event, after SES was down; sending again sends nothing new', async () => {
    const { api, runtime } = local;
    // A zone on UTC all year: cells are kept by UTC day, so the local day and the cells' day agree whenever this runs
    // (zones with an offset and DST are in test/unit/domain/destinations/digests.test.ts).
    const input = surveyInput({ touchpoint: 'delivery', timeZone: 'Atlantic/Reykjavik', alert: { npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5, acknowledgeHours: 1, slaHours: 1, digest: { frequency: 'daily', hour: 7 } } });
    const created = await api('/admin/surveys', { method: 'POST', body: JSON.stringify(input) });
    expect(created.status).toBe(201);
    const surveyId = created.body.id as string;
    expect((await api(`/admin/surveys/${surveyId}`)).body.digestSummary).toMatch(/^Daily at 07:00 Atlantic\/Reykjavik, for the day before; by e-mail to the survey owner and every owner of an open case/);
    const without = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'no-digest' })) })).body.id as string;
    expect((await api(`/admin/surveys/${without}`)).body.digestSummary).toMatch(/^No digest: alert\.digest is not set/);
    const refused = await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ alert: { digest: { hour: 7 } } })) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].field).toBe('alert.digest.frequency');

    const hook = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'CX reporting', type: 'webhook', url: `${runtime.webhookReceiverUrl}/digest`, events: ['digest'], filter: { surveyId } }) });
    expect(hook.status).toBe(201);

    // Two promoters and a detractor (whose case opens), today.
    for (const answers of [{ nps: 9, csat: 5 }, { nps: 10, csat: 4 }, { nps: 2, csat: 1, comment: 'The parcel came a week late' }]) {
      expect((await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, answers }) })).status).toBe(202);
    }
    const today = new Date().toISOString().slice(0, 10);
    await eventually(async () => (await api(`/admin/reports/summary?surveyId=${surveyId}&from=${today}&to=${today}`)).body?.total?.responses === 3, 'the three responses in the cells');
    const kase = await eventually(async () => (await api(`/admin/cases?surveyId=${surveyId}`)).body?.items?.[0], 'the detractor\'s case');

    // Tomorrow 07:30 UTC: today's digest is due (and the case, due an hour after it opened, is overdue).
    const now = new Date(Date.parse(`${today}T07:30:00Z`) + 86_400_000).toISOString();
    const before = (await sentEmails(runtime)).length;
    // SES down: the claim is given back and the run says so (exit 1); nothing was sent.
    ses.mode = 'down';
    const down = await runCli(runtime, ['digests', 'send', '--survey', surveyId, '--now', now]);
    ses.mode = 'pass';
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`FAILED ${surveyId} lead@example.com`);
    expect(down.stdout).toContain('0 e-mailed');
    expect((await sentEmails(runtime)).slice(before)).toEqual([]);

    // SES back: the next run sends it.
    const first = await runCli(runtime, ['digests', 'send', '--survey', surveyId, '--now', new Date(Date.parse(now) + 60_000).toISOString()]);
    expect(first.code === 0 ? '' : first.stderr).toBe('');
    expect(first.stdout).toContain(`${surveyId} ${today}: 1 e-mailed`);

    const digests = (await sentEmails(runtime)).slice(before).filter((m) => m.subject.startsWith('Daily digest'));
    expect(digests).toHaveLength(1);
    const mail = digests[0];
    expect(mail.destination.to).toEqual(['lead@example.com']);
    expect(mail.subject).toContain('Support call follow-up');
    const text = mail.body.text ?? '';
    expect(text).toContain('Responses: 3 (period before: 0)');
    // (2 promoters − 1 detractor) / 3 = 33.3; CSAT 2 of 3 satisfied = 66.7 %.
    expect(text).toMatch(/NPS: 33\.3 \(95 % interval -?\d+(\.\d)? to \d+(\.\d)?, 3 answers\), nothing to compare with/);
    expect(text).toContain('CSAT (satisfied, 4–5 of 5): 66.7 %');
    expect(text).toContain('Cases opened: 1');
    expect(text).toContain('Your cases: 1 open case, 1 overdue');
    expect(text).toMatch(new RegExp(`due .* Atlantic/Reykjavik .*: ${runtime.apiUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/c/`));
    expect(mail.body.html).toContain('Open</a>');

    const received = async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.filter((r) => r.path === '/digest');
    const signed = await eventually(async () => (await received())[0], 'the digest event');
    expect(signed.signature).toBe('valid');
    expect(() => new Webhook(hook.body.secret as string).verify(signed.body, signed.headers)).not.toThrow();
    const event = JSON.parse(signed.body);
    // As the OpenAPI document's webhooks section describes it, nothing extra.
    expect(EVENT_SCHEMAS.digest.safeParse(event).error?.issues).toBeUndefined();
    expect(event).toMatchObject({
      type: 'digest',
      version: 1,
      data: { surveyId, key: today, period: { from: today, to: today }, frequency: 'daily', timeZone: 'Atlantic/Reykjavik', responses: 3, nps: 33.3, csat: 66.7, casesOpened: 1, casesOpen: 1, casesOverdue: 1, mostOverdue: [{ caseId: kase.id }] },
    });

    // Again, as a later run would: nothing new, in either place.
    const second = await runCli(runtime, ['digests', 'send', '--survey', surveyId, '--now', new Date(Date.parse(now) + 5 * 60_000).toISOString()]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 e-mailed, 0 skipped as empty, 1 survey(s) already done for the period, 0 failed');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await sentEmails(runtime)).slice(before).filter((m) => m.subject.startsWith('Daily digest'))).toHaveLength(1);
    expect(await received()).toHaveLength(1);
  });
});
