import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { freePort } from '../../local/ports';
import type { LocalRuntime } from '../../local/runtime';
import { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy';
import { apiClient, eventually, isAlertEmail, sentEmails, startTestRuntime, surveyInput, type ApiClient } from './support';

jest.setTimeout(240_000);

let runtime: LocalRuntime;
let api: ApiClient;
let dynamodb: FaultProxy;
let ses: FaultProxy;
let sns: FaultProxy;
let surveyId: string;

beforeAll(async () => {
  const ports = { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), sns: await freePort(), sms: await freePort() };
  [dynamodb, ses, sns] = await Promise.all([startFaultProxy(ports.dynamodb), startFaultProxy(ports.ses), startFaultProxy(ports.sns)]);
  // The handlers reach DynamoDB, SES and SNS through the proxies; the stream poller reads the stream directly.
  runtime = await startTestRuntime({
    ports,
    // A short lease, so a claim left by an attempt that failed mid-send is taken over within the test.
    env: { NOTIFICATION_LEASE_SECONDS: '2', AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url, AWS_ENDPOINT_URL_SESV2: ses.url, AWS_ENDPOINT_URL_SES: ses.url, AWS_ENDPOINT_URL_SNS: sns.url },
  });
  api = apiClient(runtime);
  surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) })).body.id;
});

afterAll(async () => {
  await runtime?.stop();
  await Promise.all([dynamodb, ses, sns].map((p) => p?.stop()));
});

/** A client that retries with the same Idempotency-Key until its response is accepted, as clients should. */
async function submitUntilAccepted(key: string, answers: Record<string, unknown>): Promise<{ id: string; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const res = await api('/responses', { method: 'POST', key: null, headers: { 'idempotency-key': key }, body: JSON.stringify({ surveyId, customerId: key, answers }) });
    if (res.status === 202) return { id: res.body.id, attempts: attempt };
    expect(res.status).toBe(500);
    expect(res.body.error.message).toContain('same Idempotency-Key');
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function outage(proxy: FaultProxy, mode: FaultMode, traffic: () => Promise<void>, lastsMs: number) {
  proxy.mode = mode;
  const ends = new Promise((r) => setTimeout(r, lastsMs)).then(() => (proxy.mode = 'pass'));
  await Promise.all([traffic(), ends]);
}

const direct = () => new DynamoDBClient({ endpoint: runtime.dynamodbUrl });

async function storedResponses() {
  const items = (await direct().send(new ScanCommand({ TableName: runtime.env.TABLE_NAME }))).Items!.map((i) => unmarshall(i));
  return items.filter((i) => String(i.pk).startsWith('RESPONSE#'));
}

async function pendingCount() {
  let count = 0;
  for (let shard = 0; shard < 8; shard++) {
    const out = await direct().send(
      new QueryCommand({ TableName: runtime.env.TABLE_NAME, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': { S: `PENDING#${shard}` } } }),
    );
    count += out.Count ?? 0;
  }
  return count;
}

it('loses nothing and duplicates nothing when DynamoDB, SES and SNS fail for a while under traffic', async () => {
  const detractors: string[] = [];
  const promoters: string[] = [];
  let n = 0;
  const traffic = (count: number) => async () => {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const i = n++;
        const bad = i % 2 === 0;
        const { id } = await submitUntilAccepted(`cust-${i}`, { nps: bad ? 1 : 10, comment: `fault test ${i}` });
        (bad ? detractors : promoters).push(id);
      }),
    );
  };

  await traffic(4)();
  await outage(ses, 'down', traffic(6), 3000);
  await outage(sns, 'down', traffic(6), 3000);
  await outage(dynamodb, 'down', traffic(6), 2000);
  // Writes that happen but whose answer is lost: the client's retry with the same key must not store twice.
  await outage(dynamodb, 'lose-response', traffic(4), 1500);
  expect(dynamodb.failed() + ses.failed() + sns.failed()).toBeGreaterThan(0);

  // The stream does what it can; what it gave up on stays pending until the sweeper finishes it.
  await runtime.waitForIdle();
  for (let round = 0; round < 10 && (await pendingCount()) > 0; round++) {
    await runtime.invoke('sweepPending', { olderThanSeconds: 0 });
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(await pendingCount()).toBe(0);

  // Every accepted response stored once, scored, nothing left failing.
  const stored = await storedResponses();
  expect(stored).toHaveLength(detractors.length + promoters.length);
  expect(new Set(stored.map((r) => r.customerId)).size).toBe(stored.length);
  for (const r of stored) {
    expect(r.scores).toBeDefined();
    expect(r.processingFailure).toBeUndefined();
  }

  // Every due alert sent exactly once, by e-mail and on the topic.
  const mails = (await sentEmails(runtime)).filter(isAlertEmail);
  for (const id of detractors) expect({ id, mails: mails.filter((m) => m.body.text?.includes(`Case: ${id}`)).length }).toEqual({ id, mails: 1 });
  expect(mails).toHaveLength(detractors.length);
  await new Promise((r) => setTimeout(r, 1500)); // the SNS tap polls once a second
  for (const id of detractors) expect({ id, published: runtime.published().filter((p) => p.message.responseId === id).length }).toEqual({ id, published: 1 });
  for (const id of promoters) expect(runtime.published().some((p) => p.message.responseId === id)).toBe(false);
});

it('counts every answer while SES and SNS are down, and sends the alerts once they are back', async () => {
  const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ name: 'Counted while down' })) })).body.id as string;
  ses.mode = 'down';
  sns.mode = 'down';
  const ids: { id: string; detractor: boolean }[] = [];
  try {
    // Known customers, so every response (promoters too) owes processing that cannot finish meanwhile.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const i = batch * 20 + k;
          const detractor = i % 2 === 0;
          const res = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, customerId: `down-${i}`, answers: { nps: detractor ? 0 : 10, comment: `while down ${i}` } }) });
          expect(res.status).toBe(202);
          ids.push({ id: res.body.id, detractor });
        }),
      );
    }
    // The aggregates do not wait for the notifications: all 200 answers count, NPS 0, while both are down.
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const summary = await eventually(async () => {
      const res = await api(`/admin/reports/summary?surveyId=${survey}&from=${from}`);
      return res.body.total?.nps?.n === 200 && res.body;
    }, 'all 200 answers in the summary while SES and SNS are down', 60_000);
    expect(summary.total).toMatchObject({ responses: 200, nps: { n: 200, promoters: 100, detractors: 100, score: 0 } });
    expect(ses.failed() + sns.failed()).toBeGreaterThan(0);
    expect((await sentEmails(runtime)).filter((m) => m.body.text?.includes('while down'))).toHaveLength(0);
  } finally {
    ses.mode = 'pass';
    sns.mode = 'pass';
  }

  // Back up: what the stream gave up on, the sweeper finishes; each detractor alerted exactly once.
  await runtime.waitForIdle();
  for (let round = 0; round < 10 && (await pendingCount()) > 0; round++) {
    await runtime.invoke('sweepPending', { olderThanSeconds: 0 });
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(await pendingCount()).toBe(0);
  const mails = (await sentEmails(runtime)).filter((m) => isAlertEmail(m) && m.body.text?.includes('while down'));
  for (const { id } of ids.filter((x) => x.detractor)) expect({ id, mails: mails.filter((m) => m.body.text?.includes(`Case: ${id}`)).length }).toEqual({ id, mails: 1 });
  expect(mails).toHaveLength(100);
  // Alerts are added to the cells as their cases open; the answers were counted once.
  const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const after = await eventually(async () => {
    const res = await api(`/admin/reports/summary?surveyId=${survey}&from=${from}`);
    return res.body.total?.alerts === 100 && res.body;
  }, 'the 100 alerts in the summary', 60_000);
  expect(after.total).toMatchObject({ responses: 200, nps: { n: 200, score: 0 } });
});
