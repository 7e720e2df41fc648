import { Webhook } from 'standardwebhooks';
import type { ReceivedWebhook } from '../../local/webhook-receiver';
import { eventually, surveyInput, useTestRuntime } from './support';

jest.setTimeout(180_000);

/*
 * Deliveries when the receiver misbehaves, on the runtime's scaled clock: at LOCAL_TIME_SCALE 600 a minute of
 * backoff takes 100 ms and an hour 6 s, and the sweeper that retries runs every 250 ms. At least once: what counts is that
 * every event arrives and the receiver, dropping duplicate webhook-ids, keeps each exactly once.
 */
const SCALE = 600;
const local = useTestRuntime({ env: { LOCAL_TIME_SCALE: String(SCALE) }, scheduleIntervalMs: 250 });

async function setUp(touchpoint: string, path: string) {
  const { api, runtime } = local;
  const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint })) })).body.id as string;
  const hook = (await api('/admin/destinations', { method: 'POST', body: JSON.stringify({ name: touchpoint, type: 'webhook', url: `${runtime.webhookReceiverUrl}${path}`, events: ['case.opened'], filter: { surveyId: survey } }) })).body;
  // Functions read the destinations at most once per DESTINATIONS_CACHE_SECONDS (a second here).
  await new Promise((r) => setTimeout(r, 1100));
  const received = async () => ((await (await fetch(`${runtime.webhookReceiverUrl}/store`)).json()) as { received: ReceivedWebhook[] }).received.filter((r) => r.path === path);
  const control = (body: unknown) => fetch(`${runtime.webhookReceiverUrl}/_control`, { method: 'POST', body: JSON.stringify(body) });
  const detractor = async (n: number) => (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, answers: { nps: n % 7, comment: `complaint ${n}` } }) })).body.id as string;
  /** What a receiver that drops duplicate webhook-ids keeps: the first accepted body per id. */
  const kept = async () => {
    const seen = new Map<string, ReceivedWebhook>();
    for (const r of await received()) if (r.status >= 200 && r.status < 300 && !seen.has(r.headers['webhook-id']!)) seen.set(r.headers['webhook-id']!, r);
    return seen;
  };
  return { hook, received, control, detractor, kept };
}

describe('delivery when the receiver fails', () => {
  it('gets every event through 500, 500, 500, a timeout and a slow answer, each webhook-id kept once', async () => {
    const { hook, control, detractor, kept, received } = await setUp('faults', '/faulty');
    await control({ answer: 'status', status: 500, times: 3 });
    await control({ answer: 'hang', times: 1 });
    await control({ answer: 'slow', ms: 1500, times: 1 });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await detractor(n));
    const arrived = await eventually(async () => {
      const got = await kept();
      return got.size === 5 && got;
    }, 'all five events accepted', 120_000);
    const cases = [...arrived.values()].map((r) => JSON.parse(r.body).data.caseId as string);
    expect(cases.sort()).toEqual([...ids].sort());
    for (const r of arrived.values()) expect(() => new Webhook(hook.secret).verify(r.body, r.headers)).not.toThrow();
    // Every failure was a real attempt: three 500s and one that never answered.
    const statuses = (await received()).map((r) => r.status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(3);
    expect(statuses.filter((s) => s === 0)).toHaveLength(1);
    const log = (await local.api(`/admin/destinations/${hook.id}/deliveries`)).body.items as Array<{ state: string; attempts: Array<{ status?: number; error?: string }> }>;
    expect(log.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    const failures = log.flatMap((d) => d.attempts).filter((a) => a.status !== 200);
    expect(failures.map((a) => a.status ?? 'error').sort()).toEqual([500, 500, 500, 'error']);
    expect(failures.find((a) => a.error)!.error).toMatch(/no answer within 5 s/);
  });

  it('delivers the backlog after the receiver was down for an hour (scaled), nothing lost', async () => {
    const { control, detractor, kept, received } = await setUp('outage', '/outage');
    const HOUR_MS = 3_600_000 / SCALE;
    await control({ answer: 'down', ms: HOUR_MS });
    const downAt = Date.now();
    const ids: string[] = [];
    for (let n = 0; n < 4; n++) ids.push(await detractor(n));
    const arrived = await eventually(async () => {
      const got = await kept();
      return got.size === 4 && got;
    }, 'the backlog', 60_000);
    expect([...arrived.values()].map((r) => JSON.parse(r.body).data.caseId).sort()).toEqual([...ids].sort());
    // Refused while down (dropped connections), accepted only after the hour.
    const all = await received();
    expect(all.filter((r) => r.status === 0).length).toBeGreaterThanOrEqual(4);
    for (const r of arrived.values()) expect(Date.parse(r.at)).toBeGreaterThanOrEqual(downAt + HOUR_MS - 50);
  });
});
