import { sentEmails, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

const invite = (path: string, contacts: unknown[], key: string) =>
  local.api(path, { method: 'POST', body: JSON.stringify({ contacts }), headers: { 'idempotency-key': key } });

describe('concurrent retries of one request', () => {
  it('e-mail invitations: 20 simultaneous posts with one Idempotency-Key send one e-mail, and none answers 502', async () => {
    const contact = { email: 'race@example.com', customerId: 'c-race' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => invite('/admin/surveys/demo/invitations', [contact], 'campaign-race')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const statuses = answers.map((a) => a.body.invitations[0].status);
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(1);
    expect(statuses.every((s) => ['sent', 'already-sent', 'in-progress'].includes(s))).toBe(true);
    expect((await sentEmails(local.runtime)).filter((m) => m.destination.to.includes('race@example.com'))).toHaveLength(1);
    // A later retry knows it went out.
    expect((await invite('/admin/surveys/demo/invitations', [contact], 'campaign-race')).body.invitations[0].status).toBe('already-sent');
  });

  it('SMS invitations: 20 simultaneous posts with one Idempotency-Key text the number once', async () => {
    const phone = '+14155550177';
    const answers = await Promise.all(Array.from({ length: 20 }, () => invite('/admin/surveys/demo/sms-invitations', [{ phone }], 'sms-race')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(answers.filter((a) => a.body.invitations[0].status === 'sent')).toHaveLength(1);
    const outbox = ((await (await fetch(`${local.runtime.smsOutboxUrl}/store`)).json()) as { messages: { to: string }[] }).messages;
    expect(outbox.filter((m) => m.to === phone)).toHaveLength(1);
  });
});
