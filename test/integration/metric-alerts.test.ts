import type { ReceivedWebhook } from '../../local/webhook-receiver';
import { Webhook } from 'standardwebhooks';
import { eventually, runCli, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(180_000);

const local = useTestRuntime();

const DAY = 86_400_000;
const dayAt = (daysAgo: number, hour: number) => {
  const today = new Date();
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - daysAgo * DAY + hour * 3_600_000).toISOString();
};

/** `count` answers at each score, submitted on the given day (days ago), at the touchpoint. */
function rows(prefix: string, daysAgo: number, scores: readonly (readonly [score: number, count: number])[]): string[] {
  const out: string[] = [];
  for (const [score, count] of scores) for (let i = 0; i < count; i++) out.push(`${prefix}-${score}-${i},store,${dayAt(daysAgo, 8 + (i % 10))},${score}`);
  return out;
}

describe('metric alerts', () => {
  it('e-mails the owner and sends one signed metric.alert when a touchpoint\'s NPS falls, and nothing more on the next check', async () => {
    const { api, runtime } = local;
    // Detractors at 3 or more: no case is opened for any of these answers (npsAtMost 0), only the metric moves.
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ name: 'Store visits', touchpoint: 'store', alert: { npsAtMost: 0 } })) })).body.id as string;
    const hook = await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: 'Ops', type: 'webhook', url: `${runtime.webhookReceiverUrl}/metrics`, events: ['metric.alert'], filter: { surveyId } }) });
    expect(hook.status).toBe(201);

    // The 28 days before last week: NPS +30 from 80 answers; the last 7 days: NPS −10 from 80.
    const csv = [
      'id,touchpoint,submittedAt,nps',
      ...rows('before-a', 20, [[10, 18], [8, 16], [3, 6]]),
      ...rows('before-b', 12, [[9, 18], [7, 16], [4, 6]]),
      ...rows('week', 3, [[10, 20], [8, 32], [5, 28]]),
    ].join('\n');
    const imported = await api(`/admin/surveys/${surveyId}/responses/import?channel=face-to-face`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.body).toMatchObject({ received: 160, stored: 160, rejected: [] });
    const summary = await eventually(async () => {
      const res = await api(`/admin/reports/summary?surveyId=${surveyId}&from=${dayAt(35, 0).slice(0, 10)}&groupBy=touchpoint`);
      return res.body?.total?.nps?.n === 160 && res.body;
    }, 'the imported answers in the aggregates', 90_000);
    expect(summary.groups.map((g: { key: string }) => g.key)).toEqual(['store']);

    const first = await runCli(runtime, ['metrics', 'check', '--survey', surveyId]);
    expect({ code: first.code, stdout: first.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('1 alert(s) sent, 0 failed.') });
    expect(first.stdout).toContain('Checked 1 survey(s): 1 episode(s) opened');
    expect(first.stdout).toContain(`sent    ${surveyId}/touchpoint/store/nps-drop#1`);

    const metricMails = async () => (await sentEmails(runtime)).filter((m) => m.subject.startsWith('Metric alert:'));
    const mails = await metricMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ destination: { to: ['lead@example.com'] }, subject: 'Metric alert: NPS fell at touchpoint store: \u221210, was +30 (Store visits)' });
    expect(mails[0].body.text).toContain('NPS, last 7 days: \u221210 from 80 answers');
    expect(mails[0].body.text).toContain('NPS, 28 days before: +30 from 80 answers');

    const received = async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.filter((r) => r.path === '/metrics');
    const signed = await eventually(async () => (await received())[0], 'the metric.alert webhook');
    expect(signed.signature).toBe('valid');
    expect(() => new Webhook(hook.body.secret as string).verify(signed.body, signed.headers)).not.toThrow();
    expect(JSON.parse(signed.body)).toMatchObject({ type: 'metric.alert', version: 1, id: signed.headers['webhook-id'], data: { kind: 'drop', metric: 'nps', surveyId, touchpoint: 'store', value: -10, baseline: 30 } });

    // Checked again (every survey this time): the episode holds, nothing is sent.
    const again = await runCli(runtime, ['metrics', 'check']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 episode\(s\) opened, [1-9]\d* still open, .*; 0 alert\(s\) sent, 0 failed\./);
    // The schedule's runs (every 5 minutes): the first of the hour checks, the next ones leave it.
    const scheduled = (await runtime.invoke('escalateCases', {})) as { metricCheck?: { notified: string[]; holding: number } };
    expect(scheduled.metricCheck).toMatchObject({ notified: [], holding: expect.any(Number) });
    expect(((await runtime.invoke('escalateCases', {})) as { metricCheck?: unknown }).metricCheck).toBeUndefined();
    await runtime.waitForIdle();
    expect(await metricMails()).toHaveLength(1);
    expect(await received()).toHaveLength(1);
  });

  it('refuses a malformed survey id before invoking anything', async () => {
    const bad = await runCli(local.runtime, ['metrics', 'check', '--survey', 'no such/id']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--survey must be a survey id');
  });
});
