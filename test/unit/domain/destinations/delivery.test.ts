import { attemptDelivery, enqueueEvent, passesFilter, replayDeliveries, RETRY_FOR_MS, subscribersOf, type Delivery, type HttpSender } from '../../../../lambdas/domain/destinations/delivery';
import type { Destination } from '../../../../lambdas/domain/destinations/destinations';
import { caseChangeEvents, caseEvent } from '../../../../lambdas/domain/destinations/events';
import type { Attempt, DeliveryStore, DestinationStore } from '../../../../lambdas/domain/destinations/ports';
import { alertCase } from '../../support/alert-case';
import { NOW } from '../../support/fixtures';

const destination = (over: Partial<Destination> = {}): Destination => ({
  id: 'dst1',
  name: 'Helpdesk',
  type: 'webhook',
  url: 'https://hooks.example.org/cx',
  events: ['case.opened'],
  enabled: true,
  createdAt: NOW.toISOString(),
  secrets: [{ secret: `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`, createdAt: NOW.toISOString() }],
  ...over,
});

class MemoryDeliveries implements Pick<DeliveryStore, 'putDelivery' | 'recordAttempt' | 'listDeliveries' | 'requeueDelivery' | 'claimAttempt'> {
  readonly items = new Map<string, Delivery>();
  async claimAttempt(delivery: Delivery, now: Date, leaseUntil: Date) {
    const key = `${delivery.destinationId}/${delivery.eventId}`;
    const current = this.items.get(key);
    if (!current || current.state !== 'pending' || current.attemptCount !== delivery.attemptCount || (current.nextAttemptAt ?? '') > now.toISOString()) return false;
    this.items.set(key, { ...current, nextAttemptAt: leaseUntil.toISOString() });
    return true;
  }
  async putDelivery(delivery: Delivery) {
    const key = `${delivery.destinationId}/${delivery.eventId}`;
    if (this.items.has(key)) return false;
    this.items.set(key, delivery);
    return true;
  }
  async recordAttempt(delivery: Delivery, attempt: Attempt, state: Delivery['state'], nextAttemptAt?: Date) {
    const key = `${delivery.destinationId}/${delivery.eventId}`;
    const current = this.items.get(key) ?? delivery;
    const { nextAttemptAt: _old, ...rest } = current;
    this.items.set(key, { ...rest, state, attempts: [...current.attempts, attempt].slice(-10), attemptCount: current.attemptCount + 1, ...(nextAttemptAt && { nextAttemptAt: nextAttemptAt.toISOString() }) });
  }
  async listDeliveries(destinationId: string) {
    return [...this.items.values()].filter((d) => d.destinationId === destinationId);
  }
  async requeueDelivery(delivery: Delivery, now: Date) {
    this.items.set(`${delivery.destinationId}/${delivery.eventId}`, { ...delivery, state: 'pending', nextAttemptAt: now.toISOString() });
  }
}

const store = (list: Destination[]): Pick<DestinationStore, 'listDestinations' | 'getDestination' | 'saveDestination'> => ({
  listDestinations: async () => list,
  getDestination: async (id) => list.find((d) => d.id === id),
  saveDestination: async (d, expected) => {
    const at = list.findIndex((x) => x.id === d.id);
    if (at < 0 || (list[at]!.version ?? 0) !== expected) return false;
    list.splice(at, 1, d);
    return true;
  },
});

const kase = alertCase(undefined, { severity: 'high' });
const opened = caseEvent('case.opened', kase, 'https://cx.example.org/c/t', NOW);
const chat = (type: 'slack' | 'teams') => ({ chat: type });

describe('which destinations take an event', () => {
  it('filters on survey, touchpoint and theme strictly, and on severity only where the event has one', () => {
    const subject = { surveyId: 's1', touchpoint: 'delivery', severity: 'medium' as const, themes: ['refunds'] };
    expect(passesFilter(undefined, subject)).toBe(true);
    expect(passesFilter({ surveyId: 's1', touchpoint: 'delivery', theme: 'refunds', minSeverity: 'medium' }, subject)).toBe(true);
    expect(passesFilter({ surveyId: 's2' }, subject)).toBe(false);
    expect(passesFilter({ touchpoint: 'store' }, subject)).toBe(false);
    expect(passesFilter({ theme: 'staff' }, subject)).toBe(false);
    expect(passesFilter({ minSeverity: 'high' }, subject)).toBe(false);
    expect(passesFilter({ minSeverity: 'high' }, { ...subject, severity: 'critical' })).toBe(true);
    expect(passesFilter({ minSeverity: 'high' }, { ...subject, severity: 'high' })).toBe(true);
    // A digest has no severity and no theme: a severity filter lets it through, a theme filter keeps it out.
    expect(passesFilter({ minSeverity: 'high' }, { surveyId: 's1' })).toBe(true);
    expect(passesFilter({ theme: 'refunds' }, { surveyId: 's1' })).toBe(false);
    expect(passesFilter({ surveyId: 's1' }, {})).toBe(false);
  });

  it('are enabled, not disabled by the service, and subscribed to the event', () => {
    const list = [destination(), destination({ id: 'off', enabled: false }), destination({ id: 'gone', disabledReason: '410' }), destination({ id: 'other', events: ['case.resolved'] })];
    expect(subscribersOf(list, 'case.opened', {}).map((d) => d.id)).toEqual(['dst1']);
  });

  it('let a destination an alert rule routed the case to take it whatever its filter, if it takes the event', () => {
    const list = [destination({ filter: { touchpoint: 'elsewhere' } }), destination({ id: 'off', enabled: false })];
    expect(subscribersOf(list, 'case.opened', { touchpoint: 'delivery' })).toEqual([]);
    expect(subscribersOf(list, 'case.opened', { touchpoint: 'delivery', routedTo: ['dst1', 'off'] }).map((d) => d.id)).toEqual(['dst1']);
    expect(subscribersOf(list, 'case.resolved', { touchpoint: 'delivery', routedTo: ['dst1'] })).toEqual([]);
  });
});

describe('enqueueEvent', () => {
  it('writes the signed envelope for a webhook and the chat message for Slack, once per destination and event', async () => {
    const deliveries = new MemoryDeliveries();
    const list = [destination(), destination({ id: 'chat', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x', secrets: undefined })];
    const deps = { destinations: store(list), deliveries, now: NOW };
    expect(await enqueueEvent(deps, opened, { surveyId: kase.surveyId }, chat)).toBe(2);
    expect(await enqueueEvent(deps, opened, { surveyId: kase.surveyId }, chat)).toBe(0);
    const [webhook, slack] = [...deliveries.items.values()];
    expect(JSON.parse(webhook!.body)).toEqual(JSON.parse(JSON.stringify(opened)));
    expect(JSON.parse(slack!.body)).toEqual({ chat: 'slack' });
    expect(webhook).toMatchObject({ eventId: opened.id, type: 'case.opened', state: 'pending', attemptCount: 0, nextAttemptAt: NOW.toISOString() });
  });

  it('writes nothing when no destination takes the event', async () => {
    const deliveries = new MemoryDeliveries();
    expect(await enqueueEvent({ destinations: store([]), deliveries, now: NOW }, opened, {}, chat)).toBe(0);
    expect(deliveries.items.size).toBe(0);
  });
});

describe('attemptDelivery', () => {
  const pending = (): Delivery => ({ destinationId: 'dst1', eventId: opened.id, type: 'case.opened', createdAt: NOW.toISOString(), body: JSON.stringify(opened), state: 'pending', attempts: [], attemptCount: 0, nextAttemptAt: NOW.toISOString() });
  const sender = (status: number | Error): HttpSender & { calls: Array<{ address: string; headers: Record<string, string> }> } => {
    const calls: Array<{ address: string; headers: Record<string, string> }> = [];
    return {
      calls,
      post: async (_url, address, headers) => {
        calls.push({ address, headers });
        if (status instanceof Error) throw status;
        return { status, ms: 12 };
      },
    };
  };
  const run = (list: Destination[], http: HttpSender, over: { now?: Date; resolved?: string[]; timeScale?: number; delivery?: Delivery } = {}) => {
    const deliveries = new MemoryDeliveries();
    const delivery = over.delivery ?? pending();
    deliveries.items.set(`dst1/${delivery.eventId}`, delivery);
    const outcome = attemptDelivery(
      { destinations: store(list), deliveries, sender: http, resolver: { addresses: async () => over.resolved ?? ['93.184.215.14'] }, allowLocalHttp: false, now: over.now ?? NOW, random: () => 0.5, ...(over.timeScale && { timeScale: over.timeScale }) },
      delivery,
    );
    return { outcome, deliveries };
  };

  it('signs a webhook with the standard headers and sends it to the checked address', async () => {
    const http = sender(204);
    const { outcome, deliveries } = run([destination()], http);
    expect(await outcome).toBe('delivered');
    expect(http.calls[0]!.address).toBe('93.184.215.14');
    expect(http.calls[0]!.headers).toMatchObject({ 'webhook-id': opened.id, 'content-type': 'application/json' });
    expect(http.calls[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    expect([...deliveries.items.values()][0]).toMatchObject({ state: 'delivered', attemptCount: 1 });
  });

  it('retries a failure after a minute (±20 %), on a faster clock when the local runtime scales time', async () => {
    const { outcome, deliveries } = run([destination()], sender(500));
    expect(await outcome).toBe('retry');
    const after = [...deliveries.items.values()][0]!;
    expect(after.attempts[0]).toMatchObject({ status: 500 });
    expect(Date.parse(after.nextAttemptAt!) - NOW.getTime()).toBe(60_000);
    const scaled = run([destination()], sender(new Error('connect ECONNREFUSED')), { timeScale: 60 });
    expect(await scaled.outcome).toBe('retry');
    const next = [...scaled.deliveries.items.values()][0]!;
    expect(Date.parse(next.nextAttemptAt!) - NOW.getTime()).toBe(1_000);
    expect(next.attempts[0]!.error).toContain('ECONNREFUSED');
  });

  it('sends once when the stream and the sweeper reach one delivery together, and never on a stale image', async () => {
    const http = sender(200);
    const deliveries = new MemoryDeliveries();
    const delivery = pending();
    deliveries.items.set(`dst1/${delivery.eventId}`, delivery);
    const deps = { destinations: store([destination()]), deliveries, sender: http, resolver: { addresses: async () => ['93.184.215.14'] }, allowLocalHttp: false, now: NOW };
    const outcomes = await Promise.all([attemptDelivery(deps, delivery), attemptDelivery(deps, delivery)]);
    expect(outcomes.sort()).toEqual(['delivered', 'skipped']);
    expect(await attemptDelivery(deps, delivery)).toBe('skipped');
    expect(http.calls).toHaveLength(1);
  });

  it('refuses a name that now resolves to a private address (DNS rebinding) and retries later', async () => {
    const http = sender(200);
    const { outcome } = run([destination()], http, { resolved: ['10.0.0.7'] });
    expect(await outcome).toBe('retry');
    expect(http.calls).toHaveLength(0);
  });

  it('gives up after a day and a half, and a 410 Gone disables the destination', async () => {
    const late = new Date(NOW.getTime() + RETRY_FOR_MS);
    expect(await run([destination()], sender(503), { now: late }).outcome).toBe('dead');
    const list = [destination()];
    expect(await run(list, sender(410)).outcome).toBe('gone');
    expect(list[0]).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    expect(await run(list, sender(200)).outcome).toBe('cancelled');
  });
});

describe('replayDeliveries', () => {
  it('puts back every delivery since the given time, delivered or not, with its webhook-id', async () => {
    const deliveries = new MemoryDeliveries();
    const old = { destinationId: 'dst1', eventId: 'evt_old', type: 'case.opened', createdAt: '2026-01-01T00:00:00.000Z', body: '{}', state: 'delivered' as const, attempts: [], attemptCount: 1 };
    const recent = { ...old, eventId: 'evt_new', createdAt: NOW.toISOString(), state: 'dead' as const };
    await deliveries.putDelivery(old);
    await deliveries.putDelivery(recent);
    expect(await replayDeliveries({ deliveries, now: NOW }, 'dst1', new Date(NOW.getTime() - 1000))).toBe(1);
    expect(deliveries.items.get('dst1/evt_new')).toMatchObject({ state: 'pending', eventId: 'evt_new' });
    expect(deliveries.items.get('dst1/evt_old')).toMatchObject({ state: 'delivered' });
  });
});

describe('caseChangeEvents', () => {
  const step = (action: string) => ({ at: NOW.toISOString(), action, by: 'ann@example.com' });
  it('makes one event per kind of step a change added, none for a write that added no step', () => {
    const before = { history: [step('opened')] };
    expect(caseChangeEvents(before, before)).toEqual([]);
    expect(caseChangeEvents(before, { history: [step('opened'), step('acknowledge')] })).toEqual(['case.updated']);
    expect(caseChangeEvents(before, { history: [step('opened'), step('resolve')] })).toEqual(['case.resolved']);
    expect(caseChangeEvents(before, { history: [step('opened'), step('escalated'), step('note'), step('assign')] })).toEqual(['case.escalated', 'case.updated']);
  });
});
