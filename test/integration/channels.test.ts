import { XMLParser } from 'fast-xml-parser';
import type { LocalRuntime } from '../../local/runtime';
import { twilioSignature, vonageJwt } from '../../local/signing';
import { apiClient, eventually, sentEmails, startTestRuntime, type ApiClient } from './support';
import connectEvent from '../fixtures/events/connect-contact-flow.json';

jest.setTimeout(120_000);

let runtime: LocalRuntime;
let api: ApiClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  api = apiClient(runtime);
});
afterAll(async () => {
  await runtime?.stop();
});

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Say', 'Gather', 'Message'].includes(name) });

/** POSTs a form to a Twilio webhook, signed as Twilio signs it (or with the given signature). */
async function twilio(path: string, params: Record<string, string>, signature?: string) {
  const url = `${runtime.apiUrl}${path}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature !== null && { 'x-twilio-signature': signature ?? twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, params) }),
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, doc: res.headers.get('content-type')?.includes('xml') ? xml.parse(text) : undefined };
}

/** The action URL's path and query of the TwiML's <Gather>, as Twilio would call it next. */
const gatherAction = (doc: any) => new URL(doc.Response.Gather[0]['@action']).pathname + new URL(doc.Response.Gather[0]['@action']).search;
const said = (doc: any) => doc.Response.Gather?.[0]?.Say?.[0] ?? doc.Response.Say?.[0];

async function responsesOf(surveyId = 'demo') {
  return (await api(`/admin/responses?surveyId=${surveyId}&limit=100`)).body.items as any[];
}

const call = (sid: string, extra: Record<string, string> = {}) => ({
  CallSid: sid,
  AccountSid: runtime.env.TWILIO_ACCOUNT_SID,
  From: '+14155550100',
  To: runtime.demoPhoneNumber,
  CallStatus: 'in-progress',
  Direction: 'inbound',
  ApiVersion: '2010-04-01',
  ...extra,
});

describe('Twilio voice IVR', () => {
  it('runs a full call: keypad, a re-asked question and speech, to a stored response and the alert e-mail', async () => {
    const sid = 'CA0123456789abcdef0123456789abcd01';
    const first = await twilio('/webhooks/twilio/voice', call(sid));
    expect(first.status).toBe(200);
    const gather = first.doc.Response.Gather[0];
    expect(gather['@input']).toBe('dtmf speech');
    expect(gather['@method']).toBe('POST');
    expect(said(first.doc)).toContain('Thank you for calling');
    expect(said(first.doc)).toContain('On a scale from 0 to 10');
    expect(first.doc.Response.Redirect['#text']).toBe(gather['@action']);

    // NPS by keypad.
    const second = await twilio(gatherAction(first.doc), call(sid, { Digits: '3', FinishedOnKey: '#' }));
    expect(said(second.doc)).toContain('On a scale from 1 to 5');
    // A provider retry of the same step changes nothing and re-renders the current question.
    const retried = await twilio(gatherAction(first.doc), call(sid, { Digits: '9', FinishedOnKey: '#' }));
    expect(said(retried.doc)).toBe(said(second.doc));

    // CSAT: an invalid answer is re-asked once.
    const reasked = await twilio(gatherAction(second.doc), call(sid, { Digits: '8' }));
    expect(said(reasked.doc)).toMatch(/^Sorry, I didn't get that\. On a scale from 1 to 5/);
    const third = await twilio(gatherAction(reasked.doc), call(sid, { SpeechResult: 'Two.', Confidence: '0.91' }));
    expect(third.doc.Response.Gather[0]['@input']).toBe('speech');

    // The comment by speech, then goodbye.
    const last = await twilio(gatherAction(third.doc), call(sid, { SpeechResult: 'The driver left the parcel in the rain', Confidence: '0.88' }));
    expect(last.doc.Response.Say[0]).toContain('Goodbye');
    expect(last.doc.Response).toHaveProperty('Hangup');

    const stored = await eventually(async () => (await responsesOf()).find((r) => r.channel === 'voice-twilio' && r.status === 'complete' && r.scores), 'the complete voice response');
    expect(stored).toMatchObject({ answers: { nps: 3, csat: 2, comment: 'The driver left the parcel in the rain' }, contact: { phone: '+14155550100' } });
    expect((await responsesOf()).filter((r) => r.channel === 'voice-twilio')).toHaveLength(1);

    // The alert goes out on the first bad answer, while the caller is still on the line.
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes('Channel: voice-twilio')), 'the alert e-mail');
    expect(mail.body.text).toContain('Likelihood to recommend (NPS): 3 of 10, detractor');
    expect(mail.body.text).toContain(`Case: ${stored.id}`);
    await runtime.waitForIdle();
    expect((await sentEmails(runtime)).filter((m) => m.body.text?.includes('Channel: voice-twilio'))).toHaveLength(1);
  });

  it('keeps the answers of a caller who hangs up, as a partial response, and skips after two misses', async () => {
    const sid = 'CA0123456789abcdef0123456789abcd02';
    const first = await twilio('/webhooks/twilio/voice?surveyId=demo&customerId=cust-caller', call(sid, { To: '+14155550999' }));
    const second = await twilio(gatherAction(first.doc), call(sid, { Digits: '9' }));
    const miss = await twilio(gatherAction(second.doc), call(sid));
    expect(said(miss.doc)).toMatch(/^Sorry/);
    const skipped = await twilio(gatherAction(miss.doc), call(sid, { Digits: '0' }));
    expect(skipped.doc.Response.Gather[0]['@input']).toBe('speech'); // CSAT skipped, on to the comment
    const status = await twilio('/webhooks/twilio/voice/status', call(sid, { CallStatus: 'completed', CallDuration: '31' }));
    expect(status.status).toBe(200);
    const stored = await eventually(async () => (await responsesOf()).find((r) => r.customerId === 'cust-caller'), 'the partial response');
    expect(stored).toMatchObject({ channel: 'voice-twilio', status: 'partial', answers: { nps: 9 } });
    // After the hang-up, a late callback starts nothing new and changes nothing.
    await twilio(gatherAction(skipped.doc), call(sid, { SpeechResult: 'late' }));
    expect((await api(`/admin/responses/${stored.id}`)).body.answers).toEqual({ nps: 9 });
  });

  it('answers 403 and stores nothing for a missing, tampered or wrong-URL signature', async () => {
    const before = (await responsesOf()).length;
    const params = call('CA0123456789abcdef0123456789abcd03', { Digits: '1' });
    const url = `${runtime.apiUrl}/webhooks/twilio/voice`;
    const cases = [
      await twilio('/webhooks/twilio/voice', params, null as never),
      await twilio('/webhooks/twilio/voice', params, 'bm90IGEgc2lnbmF0dXJl'),
      await twilio('/webhooks/twilio/voice', params, twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, url, { ...params, Digits: '9' })),
      await twilio('/webhooks/twilio/voice', params, twilioSignature(runtime.env.TWILIO_AUTH_TOKEN, `${url}?surveyId=demo`, params)),
      await twilio('/webhooks/twilio/voice', params, twilioSignature('another-token', url, params)),
    ];
    for (const res of cases) {
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'invalid_signature', details: [{ field: 'signature' }] });
    }
    await runtime.waitForIdle();
    expect((await responsesOf()).length).toBe(before);
  });
});

describe('Twilio SMS', () => {
  const sms = (from: string, body: string, sid: string) => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: runtime.env.TWILIO_ACCOUNT_SID,
    From: from,
    To: runtime.demoPhoneNumber,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  });

  it('texts the first question on invitation, then parses replies to a stored response', async () => {
    const phone = '+14155550123';
    const invited = await api('/admin/surveys/demo/sms-invitations', { method: 'POST', body: JSON.stringify({ contacts: [{ phone, customerId: 'cust-sms' }] }), headers: { 'idempotency-key': 'sms-batch-1' } });
    expect(invited.status).toBe(202);
    expect(invited.body.invitations).toEqual([expect.objectContaining({ phone, status: 'sent', messageId: expect.stringMatching(/^SM/) })]);
    const again = await api('/admin/surveys/demo/sms-invitations', { method: 'POST', body: JSON.stringify({ contacts: [{ phone }] }), headers: { 'idempotency-key': 'sms-batch-1' } });
    expect(again.body.invitations[0].status).toBe('already-sent');
    const outbox = ((await (await fetch(`${runtime.smsOutboxUrl}/store`)).json()) as { messages: { to: string; body: string }[] }).messages;
    expect(outbox.filter((m) => m.to === phone)).toHaveLength(1);
    expect(outbox.find((m) => m.to === phone)!.body).toMatch(/How was your delivery\?: On a scale from 0 to 10.*Reply STOP to opt out\./);

    const reply = await twilio('/webhooks/twilio/sms', sms(phone, 'nine great service', 'SM00000000000000000000000000000001'));
    expect(reply.doc.Response.Message[0]).toContain('On a scale from 1 to 5');
    // Twilio retrying the same message changes nothing.
    const retried = await twilio('/webhooks/twilio/sms', sms(phone, 'nine great service', 'SM00000000000000000000000000000001'));
    expect(retried.doc.Response.Message[0]).toBe(reply.doc.Response.Message[0]);
    const done = await twilio('/webhooks/twilio/sms', sms(phone, '5', 'SM00000000000000000000000000000002'));
    expect(done.doc.Response.Message[0]).toContain('Thank you');

    const stored = await eventually(async () => (await responsesOf()).find((r) => r.customerId === 'cust-sms' && r.status === 'complete'), 'the SMS response');
    expect(stored).toMatchObject({ channel: 'sms', answers: { nps: 9, comment: 'great service', csat: 5 } });

    // Texts after the end: a polite answer, and nothing stored, scored or alerted ("2" would be critical).
    const mailsBefore = (await sentEmails(runtime)).length;
    const late = await twilio('/webhooks/twilio/sms', sms(phone, '2', 'SM00000000000000000000000000000005'));
    expect(late.doc.Response.Message[0]).toContain('already ended');
    await twilio('/webhooks/twilio/sms', sms(phone, 'the driver was rude', 'SM00000000000000000000000000000006'));
    // The final step retried by Twilio still gets the same thank-you.
    expect((await twilio('/webhooks/twilio/sms', sms(phone, '5', 'SM00000000000000000000000000000002'))).doc.Response.Message[0]).toContain('Thank you');
    await runtime.waitForIdle();
    const mine = (await responsesOf()).filter((r) => r.contact?.phone === phone);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: stored.id, answers: { nps: 9, comment: 'great service', csat: 5 } });
    expect((await sentEmails(runtime)).length).toBe(mailsBefore);
  });

  it('honours STOP: remembered, and no survey is texted to the number again', async () => {
    const phone = '+14155550124';
    const stop = await twilio('/webhooks/twilio/sms', sms(phone, 'STOP', 'SM00000000000000000000000000000003'));
    expect(stop.status).toBe(200);
    expect(stop.doc.Response.Message).toBeUndefined();
    const invited = await api('/admin/surveys/demo/sms-invitations', { method: 'POST', body: JSON.stringify({ contacts: [{ phone }, { phone: '+14155550125' }] }) });
    expect(invited.body.invitations.map((i: { status: string }) => i.status)).toEqual(['opted-out', 'sent']);
    const ignored = await twilio('/webhooks/twilio/sms', sms(phone, '3', 'SM00000000000000000000000000000004'));
    expect(ignored.doc.Response.Message).toBeUndefined();
    const bad = await api('/admin/surveys/demo/sms-invitations', { method: 'POST', body: JSON.stringify({ contacts: [{ phone: '555-0100' }] }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('contacts.0.phone');
  });
});

describe('Vonage voice', () => {
  async function vonage(path: string, body: Record<string, unknown> | undefined, token?: string) {
    const text = body ? JSON.stringify(body) : '';
    const res = await fetch(`${runtime.apiUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { ...(body && { 'content-type': 'application/json' }), ...(token !== null && { authorization: `Bearer ${token ?? vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, text)}` }) },
      ...(body && { body: text }),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const uuid = '63f61863-4a51-4f6b-86e1-46edebcf9356';
  const inputPath = (ncco: any[]) => new URL(ncco[1].eventUrl[0]).pathname + new URL(ncco[1].eventUrl[0]).search;

  it('answers with an NCCO and advances on DTMF and speech input to a stored response', async () => {
    const answer = await vonage('/webhooks/vonage/answer', { to: '15005550006', from: '447700900001', uuid, conversation_uuid: 'CON-1' });
    expect(answer.status).toBe(200);
    expect(answer.body.map((a: any) => a.action)).toEqual(['talk', 'input']);
    expect(answer.body[1]).toMatchObject({ type: ['dtmf', 'speech'], dtmf: { maxDigits: 2, submitOnHash: true }, eventMethod: 'POST' });

    const input = (extra: object) => ({ uuid, conversation_uuid: 'CON-1', from: '447700900001', to: '15005550006', timestamp: new Date().toISOString(), ...extra });
    const second = await vonage(inputPath(answer.body), input({ dtmf: { digits: '10', timed_out: false }, speech: { results: [] } }));
    expect(second.body[0].text).toContain('On a scale from 1 to 5');
    const third = await vonage(inputPath(second.body), input({ dtmf: { digits: '', timed_out: true }, speech: { results: [{ text: 'five', confidence: '0.87' }, { text: 'fine', confidence: '0.40' }] } }));
    expect(third.body[1].type).toEqual(['speech']);
    const last = await vonage(inputPath(third.body), input({ speech: { results: [{ text: 'Quick and friendly', confidence: '0.9' }] } }));
    expect(last.body).toEqual([{ action: 'talk', text: expect.stringContaining('Goodbye') }]);
    expect((await vonage('/webhooks/vonage/event', { uuid, conversation_uuid: 'CON-1', status: 'completed', direction: 'inbound' })).status).toBe(200);

    const stored = await eventually(async () => (await responsesOf()).find((r) => r.channel === 'voice-vonage'), 'the Vonage response');
    expect(stored).toMatchObject({ status: 'complete', answers: { nps: 10, csat: 5, comment: 'Quick and friendly' }, contact: { phone: '+447700900001' } });
  });

  it('refuses unsigned, tampered and wrongly signed webhooks with 403', async () => {
    const body = { uuid: 'b2c3d4e5-0000-4000-8000-000000000001', to: '15005550006', from: '447700900002' };
    expect((await vonage('/webhooks/vonage/answer', body, null as never)).status).toBe(403);
    expect((await vonage('/webhooks/vonage/answer', body, vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, '{"other":"body"}'))).status).toBe(403);
    expect((await vonage('/webhooks/vonage/answer', body, vonageJwt('wrong-secret', JSON.stringify(body)))).status).toBe(403);
    const stale = await vonage('/webhooks/vonage/answer', body, vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, JSON.stringify(body), new Date(Date.now() - 3600_000)));
    expect(stale).toMatchObject({ status: 403, body: { error: { code: 'invalid_signature' } } });
    const once = vonageJwt(runtime.env.VONAGE_SIGNATURE_SECRET, JSON.stringify(body));
    expect((await vonage('/webhooks/vonage/answer', body, once)).status).toBe(200);
    expect(await vonage('/webhooks/vonage/answer', body, once)).toMatchObject({ status: 403, body: { error: { code: 'replayed_signature' } } });
    const get = await vonage(`/webhooks/vonage/answer?to=15005550006&from=447700900002&uuid=${body.uuid}`, undefined);
    expect(get).toMatchObject({ status: 403, body: { error: { code: 'unsigned_parameter' } } });
  });
});

describe('the local Lambda Invoke path', () => {
  it('runs a function only for an admin key, as IAM decides in AWS', async () => {
    const call = (name: string, headers: Record<string, string> = {}) => fetch(`${runtime.apiUrl}/2015-03-31/functions/${name}/invocations`, { method: 'POST', headers, body: '{}' });
    const analyst = (await (await fetch(`${runtime.apiUrl}/admin/keys`, { method: 'POST', headers: { 'x-api-key': runtime.adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'invoke-probe', role: 'analyst' }) })).json() as { key: string }).key;
    for (const name of ['sweepPending', 'escalateCases', 'connectSurvey', 'aggregateMaintenance']) {
      for (const headers of [{}, { 'x-api-key': 'cxk_not-a-key-at-all-000000000000' }, { 'x-api-key': analyst }] as Record<string, string>[]) {
        const res = await call(name, headers);
        expect([name, res.status]).toEqual([name, 403]);
      }
    }
    expect((await call('sweepPending', { authorization: `Bearer ${runtime.adminKey}` })).status).toBe(200);
  });
});

describe('Amazon Connect', () => {
  const invoke = async (event: unknown) => {
    const res = await fetch(`${runtime.apiUrl}/2015-03-31/functions/connectSurvey/invocations`, { method: 'POST', headers: { 'x-api-key': runtime.adminKey }, body: JSON.stringify(event) });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it('stores the contact flow\'s answers once and returns a flat map the flow can branch on', async () => {
    const first = await invoke(connectEvent);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ stored: 'true', responseId: expect.any(String), severity: 'critical', alert: 'true' });
    for (const value of Object.values(first.body)) expect(typeof value).toBe('string');
    const again = await invoke(connectEvent);
    expect(again.body.responseId).toBe(first.body.responseId);
    const stored = await api(`/admin/responses/${first.body.responseId}`);
    expect(stored.body).toMatchObject({ channel: 'connect', customerId: 'cust-connect-1', answers: { nps: 1, csat: 2 }, contact: { phone: '+14155550199' }, attributes: { queue: 'BasicQueue' } });
    await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes('Channel: connect')), 'the alert for the Connect response');
  });

  it('returns stored=false with the problem instead of failing the flow', async () => {
    const bad = structuredClone(connectEvent);
    bad.Details.ContactData.ContactId = 'a2f1e3b4-0000-4000-8000-00000000bad1';
    bad.Details.ContactData.Attributes.survey_nps = '42';
    expect((await invoke(bad)).body).toEqual({ stored: 'false', error: 'answers.nps: must be at most 10' });
    const noSurvey = structuredClone(connectEvent);
    delete (noSurvey.Details.Parameters as Record<string, string>).surveyId;
    expect((await invoke(noSurvey)).body.stored).toBe('false');
  });
});
