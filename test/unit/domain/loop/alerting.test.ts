import { alertOnResponse, NOTIFICATION_LEASE_MS } from '../../../../lambdas/domain/loop/alerting';
import { caseMessages } from '../../../../lambdas/views/messages';
import { verifyCaseLinkToken } from '../../../../lambdas/domain/kernel/tokens';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import { MemoryStore } from '../../support/memory-store';
import { NOW, response, survey } from '../../support/fixtures';

function setup() {
  const store = new MemoryStore();
  const mails: EmailMessage[] = [];
  const published: { message: any; attributes: Record<string, string> }[] = [];
  const email = { send: jest.fn(async (m: EmailMessage) => void mails.push(m)) };
  const publisher = { publish: jest.fn(async (message: object, attributes: Record<string, string>) => void published.push({ message, attributes })) };
  const deps = { ...store.ports, messages: caseMessages, email, publisher, publicUrl: 'https://cx.example.org', tokenSecret: 'case-secret', markRetryDelayMs: 0, now: NOW };
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
    // The owner gets a signed link to the case that opens without an API key; integrations get the API's URL.
    const link = /https:\/\/cx\.example\.org\/c\/(\S+)/.exec(mails[0].text)![1];
    const claims = verifyCaseLinkToken('case-secret', link, NOW);
    expect(claims.caseId).toBe('resp1');
    expect(claims.ownerMatches('lead@example.com')).toBe(true);
    expect(mails[0].text).not.toContain('/admin/');
    expect(published[0].message.responseUrl).toBe('https://cx.example.org/admin/responses/resp1');
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

  it('sends each notification once when the stream and the sweeper work on one response at the same time', async () => {
    const { deps, mails, published } = setup();
    const detractor = response({ nps: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => alertOnResponse(deps, survey(), detractor)));
    expect(mails).toHaveLength(1);
    expect(published).toHaveLength(1);
    // Those that found the send under way fail and are retried; none sent beside it.
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(/being sent by another worker/);
    expect(await alertOnResponse(deps, survey(), detractor)).toBe('already-notified');
  });

  it('pins the one duplicate window: accepted by the provider, then the worker stops before marking it sent', async () => {
    const { deps, mails, store } = setup();
    // The mark is retried (six attempts) before the worker gives up.
    const mark = jest.spyOn(store, 'markAlertNotified').mockRejectedValue(new Error('worker stopped'));
    await expect(alertOnResponse(deps, survey(), response({ nps: 1 }))).rejects.toThrow('worker stopped');
    expect(mark).toHaveBeenCalledTimes(6);
    mark.mockRestore();
    expect(mails).toHaveLength(1);
    // Within the lease nobody sends again…
    await expect(alertOnResponse(deps, survey(), response({ nps: 1 }))).rejects.toThrow(/another worker/);
    expect(mails).toHaveLength(1);
    // …after it, the e-mail goes out a second time: the documented window.
    const later = { ...deps, now: new Date(NOW.getTime() + NOTIFICATION_LEASE_MS + 1) };
    expect(await alertOnResponse(later, survey(), response({ nps: 1 }))).toBe('resumed');
    expect(mails).toHaveLength(2);
  });

  it('rides out a brief failure to record the send, without sending twice', async () => {
    const { deps, mails, store } = setup();
    jest.spyOn(store, 'markAlertNotified').mockRejectedValueOnce(new Error('throttled')).mockRejectedValueOnce(new Error('throttled'));
    expect(await alertOnResponse(deps, survey(), response({ nps: 1 }))).toBe('opened');
    expect(mails).toHaveLength(1);
    expect(await alertOnResponse(deps, survey(), response({ nps: 1 }))).toBe('already-notified');
  });
});
