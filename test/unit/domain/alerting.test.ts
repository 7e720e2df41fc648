import { alertOnResponse } from '../../../lambdas/domain/alerting';
import type { EmailMessage } from '../../../lambdas/domain/ports';
import { MemoryStore } from '../support/memory-store';
import { NOW, response, survey } from '../support/fixtures';

function setup() {
  const store = new MemoryStore();
  const mails: EmailMessage[] = [];
  const published: { message: any; attributes: Record<string, string> }[] = [];
  const email = { send: jest.fn(async (m: EmailMessage) => void mails.push(m)) };
  const publisher = { publish: jest.fn(async (message: object, attributes: Record<string, string>) => void published.push({ message, attributes })) };
  const deps = { store, email, publisher, publicUrl: 'https://cx.example.org', now: NOW };
  return { store, mails, published, email, publisher, deps };
}

describe('alertOnResponse', () => {
  it('does nothing for a promoter', async () => {
    const { deps, mails, published, store } = setup();
    expect(await alertOnResponse(deps, survey(), response({ nps: 10 }))).toBe('no-alert');
    expect([mails.length, published.length, store.alerts.size]).toEqual([0, 0, 0]);
  });

  it('opens one case, e-mails the owner and publishes once; a repeat changes nothing', async () => {
    const { deps, mails, published, store } = setup();
    const detractor = response({ nps: 3, comment: 'Box was wet' });
    expect(await alertOnResponse(deps, survey(), detractor)).toBe('opened');
    expect(await alertOnResponse(deps, survey(), detractor)).toBe('already-notified');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'lead@example.com', subject: expect.stringContaining('delivery') });
    expect(mails[0].text).toContain('Box was wet');
    expect(mails[0].text).toContain('https://cx.example.org/admin/responses/resp1');
    expect(mails[0].html).not.toContain('<script');
    expect(published).toHaveLength(1);
    expect(published[0].attributes).toEqual({ severity: 'high', touchpoint: 'delivery', channel: 'web', surveyId: 'srv1' });
    expect(store.alerts.get('resp1')!.notifications).toEqual({ email: 'sent', sns: 'sent' });
  });

  it('resumes after a failed send without sending anything twice', async () => {
    const { deps, mails, published, email, publisher } = setup();
    email.send.mockRejectedValueOnce(new Error('SES throttled'));
    await expect(alertOnResponse(deps, survey(), response({ nps: 1 }))).rejects.toThrow('SES throttled');
    expect(published).toHaveLength(0);

    expect(await alertOnResponse(deps, survey(), response({ nps: 1 }))).toBe('resumed');
    expect(mails).toHaveLength(1);
    expect(published).toHaveLength(1);

    publisher.publish.mockClear();
    expect(await alertOnResponse(deps, survey(), response({ nps: 1 }))).toBe('already-notified');
    expect(publisher.publish).not.toHaveBeenCalled();
  });

  it('escapes customer text in the alert e-mail', async () => {
    const { deps, mails } = setup();
    await alertOnResponse(deps, survey(), response({ nps: 0, comment: '<img src=x onerror=alert(1)>' }));
    expect(mails[0].html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(mails[0].html).not.toContain('<img');
  });
});
