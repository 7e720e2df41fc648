import { DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalRuntime } from '../../local/runtime';
import { lambdaContext } from '../../local/apigw';
import { streamReader } from '../../local/stream-reader';
import { issueLinkToken } from '../../lambdas/domain/kernel/tokens';
import { apiClient, eventually, sentEmails, startTestRuntime, surveyInput, type ApiClient } from './support';

jest.setTimeout(120_000);

let runtime: LocalRuntime;
let api: ApiClient;
let surveyId: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  api = apiClient(runtime);
  const created = await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) });
  expect(created.status).toBe(201);
  surveyId = created.body.id;
});

afterAll(async () => {
  await runtime?.stop();
});

const respond = (body: unknown, headers: Record<string, string> = {}) =>
  api('/responses', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers, key: null });

async function storedResponses(id = surveyId) {
  const res = await api(`/admin/responses?surveyId=${id}&limit=100`);
  expect(res.status).toBe(200);
  return res.body.items as any[];
}

describe('HTTP contract', () => {
  it('answers health and 404s unknown routes with the JSON error shape', async () => {
    expect(await api('/health', { key: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    const missing = await api('/nope', { key: null });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found' });
    expect((await api('/health', { method: 'DELETE', key: null })).status).toBe(404);
  });

  it('serves its OpenAPI 3.1 document without a key, with this server as its base', async () => {
    const served = await api('/openapi.json', { key: null });
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: runtime.apiUrl }] });
    expect(Object.keys(served.body.paths)).toEqual(expect.arrayContaining(['/responses', '/admin/cases', '/openapi.json']));
  });

  it('refuses admin routes without a key or with a wrong one (403, as API Gateway answers a refusing authorizer), and accepts Bearer', async () => {
    const noKey = await api('/admin/alerts', { key: null });
    expect(noKey.status).toBe(403);
    expect(noKey.body.error.details[0].field).toBe('x-api-key');
    expect(noKey.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await api('/admin/alerts', { key: 'cxk_wrong-key-of-enough-length' })).status).toBe(403);
    const bearer = await api('/admin/alerts', { key: null, headers: { authorization: `Bearer ${runtime.adminKey}` } });
    expect(bearer.status).toBe(200);
  });

  it('creates and reads a survey; an invalid survey names the fields', async () => {
    const read = await api(`/admin/surveys/${surveyId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: surveyId, touchpoint: 'support-call', alert: { npsAtMost: 6, slaHours: 24 } });
    const bad = await api('/admin/surveys', {
      method: 'POST',
      body: JSON.stringify({ ...surveyInput(), ownerEmail: 'not-an-email', questions: [{ id: 'q', type: 'stars', text: 'x' }] }),
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['ownerEmail', 'questions.0.type']));
    expect((await api('/admin/surveys/does-not-exist')).status).toBe(404);
    expect((await api(`/admin/surveys/${'x'.repeat(3000)}`)).status).toBe(404);
    expect((await api(`/admin/responses/${'%22'.repeat(100)}`)).status).toBe(404);
    const multiline = await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ name: 'Hi\r\nBcc: x@example.com' })) });
    expect(multiline.body.error.details[0].field).toBe('name');
  });
});

describe('hostile input at the edge', () => {
  it('refuses prototype keys by name and stores nothing; the detractor beside them is still alerted', async () => {
    const before = (await storedResponses()).length;
    const polluted = await respond('{"surveyId":"' + surveyId + '","answers":{"nps":1},"attributes":{"__proto__":{"isAdmin":"yes"}}}');
    expect(polluted.status).toBe(400);
    expect(polluted.body.error.details[0].field).toBe('attributes.__proto__');
    for (const attributes of ['{"constructor":"x"}', '{"":"x"}']) {
      const res = await respond('{"surveyId":"' + surveyId + '","answers":{"nps":1},"attributes":' + attributes + '}');
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toMatch(/^attributes/);
    }
    const answerKey = await respond('{"surveyId":"' + surveyId + '","answers":{"nps":1,"__proto__":{"nps":10}}}');
    expect(answerKey.body.error.details[0].field).toBe('answers.__proto__');
    // The hosted form's fields fold into answers: a field `answers.__proto__` is refused too, not dropped unseen.
    const formKey = await api('/responses', { method: 'POST', key: null, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `surveyId=${surveyId}&answers.nps=9&answers.__proto__=1` });
    expect(formKey.status).toBe(400);
    expect(formKey.body.error.details[0].field).toBe('answers.__proto__');
    const survey = await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ questions: [{ id: 'constructor', type: 'nps', text: 'Q' }] })) });
    expect(survey.status).toBe(400);
    expect(survey.body.error.details[0].field).toBe('questions.0.id');
    const lines = await respond({ surveyId, customerId: 'c-1\nNPS: 10', answers: { nps: 1 } });
    expect(lines.body.error.details[0].field).toBe('customerId');
    await runtime.waitForIdle();
    expect((await storedResponses()).length).toBe(before);
  });

  it('answers bad percent-encoding in a path with a 4xx in the JSON shape, never a 500', async () => {
    for (const path of ['/s/%ZZ', '/r/%ZZ', '/c/%ZZ', '/admin/surveys/%ZZ', '/admin/responses/%E0%A4%A', '/admin/surveys/%ZZ/invitations']) {
      const method = path.endsWith('invitations') ? 'POST' : 'GET';
      const res = await api(path, { method, ...(method === 'POST' && { body: '{"contacts":[]}' }) });
      expect({ path, status: res.status < 500 && res.status >= 400 }).toEqual({ path, status: true });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const html = await api('/s/%ZZ', { key: null, headers: { accept: 'text/html' } });
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toContain('text/html');
  });

  it('reads media types case-insensitively', async () => {
    const res = await respond({ surveyId, answers: { nps: 9 } }, { 'content-type': 'Application/JSON; Charset=UTF-8' });
    expect(res.status).toBe(202);
  });
});

describe('web responses', () => {
  it('stores a detractor, scores it on the stream and e-mails the owner exactly once, with an SNS message', async () => {
    const res = await respond({ surveyId, customerId: 'cust-7', answers: { nps: 2, csat: 1, effort: 6, resolved: false, reason: 'speed', comment: 'Waited 40 minutes on hold' } });
    expect(res.status).toBe(202);
    const id = res.body.id as string;

    const scored = await eventually(async () => (await storedResponses()).find((r) => r.id === id && r.scores), 'the response to be scored');
    expect(scored).toMatchObject({ channel: 'web', touchpoint: 'support-call', customerId: 'cust-7', status: 'complete' });
    expect(scored.scores).toMatchObject({ nps: { category: 'detractor' }, csat: { band: 'dissatisfied' }, ces: { band: 'high-effort' }, severity: 'critical' });

    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(id)), 'the alert e-mail');
    expect(mail.destination.to).toEqual(['lead@example.com']);
    expect(mail.subject).toContain('support-call');
    expect(mail.body.text).toEqual(expect.stringContaining('Customer: cust-7'));
    expect(mail.body.text).toEqual(expect.stringContaining('Channel: web'));
    expect(mail.body.text).toEqual(expect.stringContaining('Likelihood to recommend (NPS): 2 of 10, detractor'));
    expect(mail.body.text).toEqual(expect.stringContaining('Waited 40 minutes on hold'));
    // The owner's link opens the case without an API key; the admin API would answer 403.
    const caseLink = new RegExp(`${runtime.apiUrl}/c/(\\S+)`).exec(mail.body.text!)![0];
    const casePage = await fetch(caseLink);
    expect(casePage.status).toBe(200);
    expect(casePage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const caseHtml = await casePage.text();
    expect(caseHtml).toContain('Waited 40 minutes on hold');
    expect(caseHtml).toContain('cust-7');
    expect((await fetch(caseLink.replace(/\/c\/(.)/, (_m, c) => `/c/${c === 'e' ? 'f' : 'e'}`))).status).toBe(400);

    const published = await eventually(async () => runtime.published().find((p) => p.message.responseId === id), 'the SNS alert');
    expect(published.message).toMatchObject({ type: 'cx.alert.opened', severity: 'critical', touchpoint: 'support-call', channel: 'web', customerId: 'cust-7' });
    expect(published.attributes).toMatchObject({ severity: 'critical', channel: 'web' });

    const alerts = await api('/admin/alerts');
    const alert = alerts.body.items.find((a: { responseId: string }) => a.responseId === id);
    expect(alert).toMatchObject({ status: 'open', owner: 'lead@example.com', notifications: { email: 'sent', sns: 'sent' } });

    const one = await api(`/admin/responses/${id}`);
    expect(one.body).toMatchObject({ id, answers: { nps: 2, resolved: false, reason: 'speed' } });

    await runtime.waitForIdle();
    expect((await sentEmails(runtime)).filter((m) => m.body.text?.includes(id))).toHaveLength(1);
  });

  it('sends nothing for a good experience', async () => {
    const res = await respond({ surveyId, answers: { nps: 10, csat: 5, effort: 1 } });
    expect(res.status).toBe(202);
    await eventually(async () => (await storedResponses()).find((r) => r.id === res.body.id && r.scores), 'the promoter to be scored');
    await runtime.waitForIdle();
    expect((await sentEmails(runtime)).some((m) => m.body.text?.includes(res.body.id))).toBe(false);
    expect((await api('/admin/alerts')).body.items.some((a: { responseId: string }) => a.responseId === res.body.id)).toBe(false);
  });

  it('refuses bad input with a 4xx naming the problem and stores nothing', async () => {
    const before = (await storedResponses()).length;
    const cases: [unknown, number, string][] = [
      ['{"surveyId":', 400, 'body'],
      [{ surveyId: 'no-such-survey', answers: { nps: 3 } }, 404, 'surveyId'],
      [{ surveyId, answers: { csat: 4 } }, 400, 'answers.nps'],
      [{ surveyId, answers: { nps: 11 } }, 400, 'answers.nps'],
      [{ surveyId, answers: { nps: 'great' } }, 400, 'answers.nps'],
      [{ surveyId, answers: { nps: 5, reason: 'price' } }, 400, 'answers.reason'],
      [{ surveyId, answers: { nps: 5, unknown: 1 } }, 400, 'answers.unknown'],
      [{ answers: { nps: 5 } }, 400, 'surveyId'],
      [{ surveyId, answers: { nps: 5, comment: 'x'.repeat(70 * 1024) } }, 413, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const res = await respond(body);
      expect({ status: res.status, field }).toEqual({ status, field });
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    await runtime.waitForIdle();
    expect((await storedResponses()).length).toBe(before);
  });

  it('stores one response for retries with the same Idempotency-Key', async () => {
    const body = { surveyId, answers: { nps: 8 } };
    const first = await respond(body, { 'idempotency-key': 'order-1234-survey' });
    const second = await respond(body, { 'idempotency-key': 'order-1234-survey' });
    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 202, body: { id: first.body.id, status: 'duplicate' } });
    expect((await storedResponses()).filter((r) => r.id === first.body.id)).toHaveLength(1);
  });

  it('serves an accessible hosted form that works without JavaScript', async () => {
    const page = await api(`/s/${surveyId}?customerId=cust-form`, { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toContain('<script');
    expect(page.text).toContain(`action="${runtime.apiUrl}/responses"`);
    expect(page.text).toMatch(/<legend id="q-nps">/);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1];
    const form = new URLSearchParams({ surveyId, idempotencyKey: key, customerId: 'cust-form', 'answers.nps': '9', 'answers.resolved': 'yes', 'answers.comment': 'Quick <b>fix</b>' });
    const posted = await api('/responses', { method: 'POST', key: null, body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('Thank you');
    const again = await api('/responses', { method: 'POST', key: null, body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.status).toBe(200);
    const stored = (await storedResponses()).filter((r) => r.customerId === 'cust-form');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'web', answers: { nps: 9, resolved: true, comment: 'Quick <b>fix</b>' } });

    const invalid = await api('/responses', { method: 'POST', key: null, body: new URLSearchParams({ surveyId, 'answers.nps': '12' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('answers.nps');
  });

  it('pages through responses with a cursor and rejects a foreign cursor', async () => {
    const page1 = await api(`/admin/responses?surveyId=${surveyId}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api(`/admin/responses?surveyId=${surveyId}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.status).toBe(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect((await api(`/admin/responses?surveyId=demo&cursor=${page1.body.nextCursor}`)).body.error.details[0].field).toBe('cursor');
    const forged = Buffer.from(JSON.stringify({ gsi1pk: `SURVEY#${surveyId}#RESPONSES`, pk: 'x', extra: { N: '1' } })).toString('base64url');
    expect((await api(`/admin/responses?surveyId=${surveyId}&cursor=${forged}`)).status).toBe(400);
    expect((await api(`/admin/responses?surveyId=${surveyId}&cursor=not-base64-json`)).status).toBe(400);
    expect((await api('/admin/responses')).body.error.details[0].field).toBe('surveyId');
    expect((await api(`/admin/responses?surveyId=${surveyId}&limit=1000`)).status).toBe(400);
  });
});

describe('e-mail invitations and one-click links', () => {
  let links: string[];
  let token: string;

  beforeAll(async () => {
    const res = await api(`/admin/surveys/${surveyId}/invitations`, {
      method: 'POST',
      body: JSON.stringify({ contacts: [{ email: 'maria@example.com', name: 'Maria', customerId: 'cust-maria', attributes: { plan: 'gold' } }] }),
    });
    expect(res.status).toBe(202);
    expect(res.body.invitations).toEqual([expect.objectContaining({ email: 'maria@example.com', status: 'sent' })]);
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes('maria@example.com')), 'the invitation');
    links = [...mail.body.text!.matchAll(/https?:\/\/\S+\/r\/\S+\?score=\d+/g)].map((m) => m[0]);
    token = /\/r\/([^?]+)/.exec(links[0])![1];
  });

  it('renders the first NPS question as eleven one-click links', () => {
    expect(links).toHaveLength(11);
    expect(links.map((l) => Number(new URL(l).searchParams.get('score')))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('records nothing on GET (mail scanners prefetch links), records on the confirm POST, once', async () => {
    const page = await fetch(links[4]);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/name="answers.nps" value="4" checked/);
    expect(html).toContain('name="answers.comment"');
    await runtime.waitForIdle();
    expect((await storedResponses()).some((r) => r.customerId === 'cust-maria')).toBe(false);

    const confirm = await fetch(`${runtime.apiUrl}/r/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ 'answers.nps': '4', 'answers.comment': 'Nobody called back' }),
    });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Thank you');

    const second = await fetch(`${runtime.apiUrl}/r/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ 'answers.nps': '10' }),
    });
    expect(await second.text()).toContain('nothing was changed');
    expect(await (await fetch(links[9])).text()).toContain('We already have your answer (4)');

    const stored = (await storedResponses()).filter((r) => r.customerId === 'cust-maria');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'email', answers: { nps: 4, comment: 'Nobody called back' }, attributes: { plan: 'gold' }, contact: { email: 'maria@example.com' } });
    const alertMail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes('lead@example.com') && m.body.text?.includes('cust-maria')), 'the alert for the e-mail response');
    expect(alertMail.body.text).toContain('Channel: email');
    expect(alertMail.body.text).toContain('Nobody called back');
  });

  it('refuses tampered, expired and out-of-range links', async () => {
    const [payload, signature] = token.split('.');
    const flipped = signature[0] === 'A' ? 'B' + signature.slice(1) : 'A' + signature.slice(1);
    const tampered = await api(`/r/${payload}.${flipped}?score=3`, { key: null });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatchObject({ code: 'invalid_token', details: [{ field: 'token' }] });
    const expired = issueLinkToken(runtime.env.TOKEN_SECRET, { invitationId: 'x', surveyId, contact: 'y', expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expect((await api(`/r/${expired}?score=3`, { key: null })).status).toBe(410);
    const outOfRange = await api(`/r/${token}?score=11`, { key: null });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error.details[0].field).toBe('score');
  });

  it('does not e-mail twice when an invitation request is retried with the same Idempotency-Key', async () => {
    const request = { method: 'POST', body: JSON.stringify({ contacts: [{ email: 'lee@example.com' }] }), headers: { 'idempotency-key': 'campaign-42' } };
    expect((await api(`/admin/surveys/${surveyId}/invitations`, request)).body.invitations[0].status).toBe('sent');
    expect((await api(`/admin/surveys/${surveyId}/invitations`, request)).body.invitations[0].status).toBe('already-sent');
    expect((await sentEmails(runtime)).filter((m) => m.destination.to.includes('lee@example.com'))).toHaveLength(1);
  });
});

describe('stream consumers on the real stream', () => {
  it('delivers records that validate against the Powertools DynamoDB Streams schema', async () => {
    const table = await new DynamoDBClient({ endpoint: runtime.dynamodbUrl }).send(new DescribeTableCommand({ TableName: runtime.env.TABLE_NAME }));
    const streamArn = table.Table!.LatestStreamArn!;
    const reader = streamReader({ endpoint: runtime.dynamodbUrl, streamArn, region: 'us-east-1' });
    const [shardId] = await reader.shardIds();
    const { records } = await reader.read((await reader.iterator(shardId))!, 50);
    expect(records.length).toBeGreaterThan(0);
    const event = { Records: records };
    const parsed = DynamoDBStreamSchema.parse(event);
    expect(parsed.Records[0].eventSourceARN).toBe(streamArn);
    expect(typeof event.Records[0].dynamodb!.ApproximateCreationDateTime).toBe('number');
  });

  it('sends an alert exactly once when the response consumer gets the same batch again (a forced retry)', async () => {
    const res = await respond({ surveyId, customerId: 'cust-retry', answers: { nps: 1, comment: 'Retry me' } });
    const id = res.body.id as string;
    await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(id)), 'the first alert');
    await runtime.waitForIdle();

    // Redeliver the response's INSERT, as Lambda does when a batch is retried.
    const item = await new DynamoDBClient({ endpoint: runtime.dynamodbUrl }).send(
      new GetItemCommand({ TableName: runtime.env.TABLE_NAME, Key: { pk: { S: `RESPONSE#${id}` }, sk: { S: 'META' } } }),
    );
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventID: 'redelivered',
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          eventVersion: '1.1',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/cx-feedback/stream/local',
          dynamodb: { Keys: { pk: { S: `RESPONSE#${id}` }, sk: { S: 'META' } }, NewImage: item.Item as never, SequenceNumber: '1', StreamViewType: 'NEW_AND_OLD_IMAGES' },
        },
      ],
    };
    const { handler } = await import('../../lambdas/handlers/process-responses');
    const context = lambdaContext('process-responses', 60);
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });

    expect((await sentEmails(runtime)).filter((m) => m.body.text?.includes(id))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500)); // the SNS tap polls once a second
    expect(runtime.published().filter((p) => p.message.responseId === id)).toHaveLength(1);
  });
});
