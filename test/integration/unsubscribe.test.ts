import { twilioSignature } from '../../local/signing';
import { eventually, sentEmails, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();
const invite = (contacts: unknown[]) => local.api('/admin/surveys/demo/invitations', { method: 'POST', body: JSON.stringify({ contacts }) });
const textInvite = (contacts: unknown[]) => local.api('/admin/surveys/demo/sms-invitations', { method: 'POST', body: JSON.stringify({ contacts }) });

describe('unsubscribe', () => {
  it('carries RFC 8058 headers; a bare GET changes nothing; one-click POST suppresses the person on e-mail and SMS; they can opt back in', async () => {
    const contact = { email: 'Leave.Me@example.com', customerId: 'c-unsub' };
    expect((await invite([contact])).body.invitations[0].status).toBe('sent');
    const mail = await eventually(async () => (await sentEmails(local.runtime)).find((m) => m.destination.to.includes(contact.email)), 'the invitation');
    const headers = Object.fromEntries(((mail as unknown as { headers?: { name: string; value: string }[] }).headers ?? []).map((h) => [h.name, h.value]));
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /^<(.+)>$/.exec(headers['List-Unsubscribe'])![1];
    expect(url).toMatch(new RegExp(`^${local.runtime.apiUrl}/u/`));
    expect(mail.body.text).toContain(`Unsubscribe: ${url}`);

    // Mail scanners fetch links: the page only offers the choice.
    const page = await fetch(url);
    expect(await page.text()).toContain('Stop feedback surveys?');
    expect((await invite([{ ...contact, email: 'leave.me@example.com' }])).body.invitations[0].status).toBe('sent');

    // The mail client's one-click POST.
    const oneClick = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('You are unsubscribed');
    expect((await invite([contact])).body.invitations[0]).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
    // Same customer, other channel.
    expect((await textInvite([{ phone: '+14155550190', customerId: 'c-unsub' }])).body.invitations[0]).toMatchObject({ status: 'suppressed' });
    // A forged token is refused.
    expect((await fetch(url.replace(/\/u\/(.)/, (_m, c) => `/u/${c === 'e' ? 'f' : 'e'}`), { method: 'POST' })).status).toBe(400);

    const back = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=resubscribe' });
    expect(await back.text()).toContain('You will hear from us again');
    expect((await invite([contact])).body.invitations[0].status).toBe('sent');
  });

  it('SMS STOP suppresses the customer behind the number on e-mail too, until START', async () => {
    const phone = '+14155550191';
    expect((await textInvite([{ phone, customerId: 'c-stop' }])).body.invitations[0].status).toBe('sent');
    const sms = async (body: string, sid: string) => {
      const url = `${local.runtime.apiUrl}/webhooks/twilio/sms`;
      const params = { MessageSid: sid, From: phone, To: local.runtime.demoPhoneNumber, Body: body };
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(local.runtime.env.TWILIO_AUTH_TOKEN, url, params) }, body: new URLSearchParams(params).toString() });
    };
    expect((await sms('STOP', 'SM00000000000000000000000000000091')).status).toBe(200);
    expect((await invite([{ email: 'stopper@example.com', customerId: 'c-stop' }])).body.invitations[0]).toMatchObject({ status: 'suppressed' });
    expect((await sms('START', 'SM00000000000000000000000000000092')).status).toBe(200);
    expect((await invite([{ email: 'stopper@example.com', customerId: 'c-stop' }])).body.invitations[0].status).toBe('sent');
  });
});

describe('contact fatigue', () => {
  it('applies the global rules across e-mail, SMS and answers; a survey can override them', async () => {
    const { api, runtime } = local;
    expect((await api('/admin/settings/contact-fatigue', { method: 'PUT', body: JSON.stringify({ invitedWithinDays: 30, answeredWithinDays: 60 }) })).status).toBe(200);
    expect((await api('/admin/settings/contact-fatigue', { method: 'PUT', body: JSON.stringify({ invitedWithinDays: 0 }) })).body.error.details[0].field).toBe('invitedWithinDays');
    expect((await api('/admin/settings/contact-fatigue')).body).toEqual({ invitedWithinDays: 30, answeredWithinDays: 60 });

    // Invited by e-mail: neither a second e-mail nor a text to the same customer within 30 days.
    expect((await invite([{ email: 'tired@example.com', customerId: 'c-tired' }])).body.invitations[0].status).toBe('sent');
    const again = (await invite([{ email: 'tired@example.com', customerId: 'c-tired' }])).body.invitations[0];
    expect(again).toMatchObject({ status: 'suppressed', reason: expect.stringMatching(/within 30 days/) });
    expect((await textInvite([{ phone: '+14155550193', customerId: 'c-tired' }])).body.invitations[0]).toMatchObject({ status: 'suppressed' });

    // Answered on the web: not invited again within 60 days.
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: 'demo', customerId: 'c-answered', answers: { nps: 9 } }) });
    await runtime.waitForIdle();
    await eventually(async () => (await invite([{ email: 'answered@example.com', customerId: 'c-answered' }])).body.invitations[0].reason?.startsWith('answered on'), 'the answer to count');

    // Leave the other tests' contacts alone.
    await api('/admin/settings/contact-fatigue', { method: 'PUT', body: JSON.stringify({}) });
  });
});
