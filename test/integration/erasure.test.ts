import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { twilioSignature } from '../../local/signing';
import { eventually, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

/** The whole table as JSON text: test-only, to look for any trace of a person. */
async function wholeTable(): Promise<string> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.runtime.dynamodbUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: local.runtime.env.TABLE_NAME, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items, (_k, v) => (v instanceof Set ? [...v] : v));
}

const person = { customerId: 'erase-me-7781', name: 'Erin Eraseworthy', email: 'erin.eraseworthy@example.com', phone: '+15005550142' };

describe('erasure', () => {
  it("erases a customer's every trace from the table; the unsubscribe survives as a keyed hash, aggregates keep their counts, an audit says who and what", async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput()) })).body.id as string;
    await api('/admin/customers/import', { method: 'POST', body: `customerId,name,email,phone,segment\n${person.customerId},${person.name},${person.email},${person.phone},gold\n`, headers: { 'content-type': 'text/csv' } });

    // An e-mail invitation answered through its link (a detractor: a case), then the unsubscribe link used.
    await api(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email: person.email, name: person.name, customerId: person.customerId }] }) });
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes(person.email)), 'the invitation');
    const link = new URL(/https?:\/\/\S+\/r\/\S+\?score=\d+/.exec(mail.body.text!)![0]);
    expect((await fetch(link.origin + link.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answers.nps=1&answers.comment=Erin+here%2C+call+me' })).status).toBe(202);
    // A web answer and an SMS invitation (a conversation and a phone mapping).
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, customerId: person.customerId, answers: { nps: 9 } }) });
    await api(`/admin/surveys/${surveyId}/sms-invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ phone: person.phone, customerId: person.customerId }] }) });
    // They text STOP too (Twilio's signed webhook).
    const smsUrl = `${runtime.apiUrl}/webhooks/twilio/sms`;
    const stop = { MessageSid: 'SM00000000000000000000000000007781', From: person.phone, To: runtime.demoPhoneNumber, Body: 'STOP' };
    expect((await fetch(smsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, smsUrl, stop) }, body: new URLSearchParams(stop).toString() })).status).toBe(200);
    const unsubscribe = /Unsubscribe: (\S+)/.exec(mail.body.text!)![1];
    expect((await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    await runtime.waitForIdle();

    const before = await wholeTable();
    for (const trace of Object.values(person)) expect(before).toContain(trace);
    const counted = (await api(`/admin/reports/summary?surveyId=${surveyId}`)).body.total.responses;
    expect(counted).toBe(2);

    const erased = await api(`/admin/customers/${person.customerId}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ action: 'erase-customer', by: 'api-key:local-admin', erased: { profile: 1, responses: 2, cases: 1, invitations: 1, conversations: 1, phoneMappings: 1 } });
    expect(erased.body.erased.contactHistory).toBeGreaterThan(0);
    expect(JSON.stringify(erased.body)).not.toContain(person.customerId);
    await runtime.waitForIdle();

    // No identifier of the person anywhere in the table: ids, name, address, number (also without the +).
    const after = await wholeTable();
    for (const trace of [...Object.values(person), person.phone.slice(1), person.email.toUpperCase(), 'Erin here']) expect([trace, after.includes(trace)]).toEqual([trace, false]);

    // Still unsubscribed (a keyed hash), still counted (anonymously), and the audit is there.
    const again = await api(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email: person.email }] }) });
    expect(again.body.invitations[0]).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
    const text = await api(`/admin/surveys/${surveyId}/sms-invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ phone: person.phone }] }) });
    expect(text.body.invitations[0]).toMatchObject({ status: 'suppressed' });
    expect((await api(`/admin/reports/summary?surveyId=${surveyId}`)).body.total.responses).toBe(2);
    expect((await api(`/admin/customers/${person.customerId}`)).status).toBe(404);
    const audit = (await api('/admin/audit')).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ auditId: erased.body.auditId, subject: erased.body.subject })]));

    // A hostile id is refused, naming the field.
    for (const id of ['x%0Ay', '%00']) expect((await api(`/admin/customers/${id}`, { method: 'DELETE' })).body.error.details[0].field).toBe('customerId');

    // Erasing again finds nothing left.
    const second = (await api(`/admin/customers/${person.customerId}`, { method: 'DELETE' })).body;
    expect(Object.values(second.erased).every((n) => n === 0)).toBe(true);
    expect(second.subject).toBe(erased.body.subject);
  });

  it('a survey with a retention period gives its responses and their cases a TTL', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ retentionDays: 30 })) })).body.id as string;
    const id = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, customerId: 'kept-30-days', answers: { nps: 0 } }) })).body.id as string;
    await runtime.waitForIdle();
    const response = (await api(`/admin/responses/${id}`)).body;
    expect(response.expiresAt).toBe(Math.floor(Date.parse(response.submittedAt) / 1000) + 30 * 86_400);
    expect((await api(`/admin/cases/${id}`)).body.expiresAt).toBe(response.expiresAt);
    expect((await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ retentionDays: 0 })) })).body.error.details[0].field).toBe('retentionDays');
  });
});

describe('erasure right after an answer', () => {
  it('erases the answer and its case when they arrive after the erasure: nothing of the customer is reachable', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'race' })) })).body.id as string;
    const customerId = 'erase-race-5120';
    const comment = 'Rachel Racewell wants a call back';
    const posted = await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, customerId, answers: { nps: 0, comment } }) });
    expect(posted.status).toBe(202);
    const erased = await api(`/admin/customers/${customerId}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    // The answer says that answers still on their way are erased when they arrive, and until when.
    expect(Date.parse(erased.body.erasesOnArrivalUntil) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    await runtime.waitForIdle();
    await runtime.invoke('sweepPending', { olderThanSeconds: 0 });

    expect((await api(`/admin/responses/${posted.body.id}`)).status).toBe(404);
    expect((await api(`/admin/cases/${posted.body.id}`)).status).toBe(404);
    expect((await api(`/admin/customers/${customerId}`)).status).toBe(404);
    const listed = (await api(`/admin/responses?surveyId=${surveyId}`)).body.items;
    expect(listed).toEqual([]);
    const exported = await api(`/admin/surveys/${surveyId}/responses/export`);
    expect(exported.text).not.toContain(comment);
    const table = await wholeTable();
    for (const trace of [customerId, comment, posted.body.id]) expect(table).not.toContain(trace);
    // The answer still counts, anonymously; the audit shows what was erased and when.
    expect((await api(`/admin/reports/summary?surveyId=${surveyId}`)).body.total.responses).toBe(1);
    const audit = (await api('/admin/audit')).body.items as { action: string }[];
    expect(audit.map((a) => a.action)).toContain('erase-customer');
  });
});
