import type { Counters } from '../../../../lambdas/domain/insight/aggregates';
import { checkMetrics, episodeIdOf, hourlyMetricCheck, watchId, watchWindows, type MetricAlert, type MetricWatch, type MetricWatchDeps, type WatchKey } from '../../../../lambdas/domain/insight/metric-watch';
import type { MetricWatchStore, StoredAggregate } from '../../../../lambdas/domain/insight/ports';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import type { Survey } from '../../../../lambdas/domain/surveys/survey';
import { metricAlertEvent } from '../../../../lambdas/domain/destinations/metric-alert-event';
import { EVENT_SCHEMAS } from '../../../../lambdas/domain/destinations/event-schemas';
import { metricAlertEmail } from '../../../../lambdas/views/metric-alert-email';
import { metricAlertCard } from '../../../../lambdas/views/chat';

const NOW = new Date('2026-12-01T13:05:00Z');
const DAY = 86_400_000;
const day = (offset: number, from = NOW) => new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) + offset * DAY).toISOString().slice(0, 10);

const survey = (overrides: Partial<Survey> = {}): Survey =>
  ({
    id: 's1',
    name: 'Delivery check',
    touchpoint: 'delivery',
    ownerEmail: 'lead@example.com',
    createdAt: '2026-01-01T00:00:00Z',
    status: 'active',
    questions: [{ id: 'nps', type: 'nps', text: 'Recommend us?' }],
    ...overrides,
  }) as Survey;

/** NPS counters for n answers at a score: promoters p%, detractors d%. */
const nps = (n: number, promoterShare: number, detractorShare: number): Counters => {
  const promoters = Math.round(n * promoterShare);
  const detractors = Math.round(n * detractorShare);
  return { responses: n, nps_n: n, nps_promoters: promoters, nps_detractors: detractors, nps_passives: n - promoters - detractors };
};

/** An in-memory store with the table's conditions: versions on state writes, claims with leases, one claim per run hour. */
class FakeWatchStore implements MetricWatchStore {
  readonly items = new Map<string, MetricWatch & { claimedBy?: string; claimedUntil?: string }>();
  readonly runs = new Set<string>();
  async watchesOf(surveyId: string) {
    await Promise.resolve();
    return [...this.items.values()].filter((w) => w.key.surveyId === surveyId).map((w) => structuredClone(w));
  }
  async saveWatch(watch: MetricWatch, expectedVersion: number) {
    await Promise.resolve();
    const stored = this.items.get(watchId(watch.key));
    if ((stored?.version ?? 0) !== expectedVersion) return false;
    this.items.set(watchId(watch.key), { ...stored, ...structuredClone(watch), notified: stored?.notified ?? 0 });
    return true;
  }
  async claimNotice(key: WatchKey, episode: number, claimant: string, now: Date, leaseMs: number) {
    await Promise.resolve();
    const w = this.items.get(watchId(key));
    if (!w || w.state.episodes !== episode || !w.state.open || w.notified >= episode) return false;
    if (w.claimedUntil && w.claimedUntil >= now.toISOString() && w.claimedBy !== claimant) return false;
    this.items.set(watchId(key), { ...w, claimedBy: claimant, claimedUntil: new Date(now.getTime() + leaseMs).toISOString() });
    return true;
  }
  async releaseNotice(key: WatchKey, claimant: string) {
    const w = this.items.get(watchId(key));
    if (w?.claimedBy === claimant) this.items.set(watchId(key), { ...w, claimedBy: undefined, claimedUntil: undefined });
  }
  async markNotified(key: WatchKey, episode: number) {
    const w = this.items.get(watchId(key))!;
    this.items.set(watchId(key), { ...w, notified: episode, claimedBy: undefined, claimedUntil: undefined });
  }
  async claimRun(period: string) {
    if (this.runs.has(period)) return false;
    this.runs.add(period);
    return true;
  }
}

function setup(options: { surveys?: Survey[] } = {}) {
  const surveys = options.surveys ?? [survey()];
  let cells: StoredAggregate[] = [];
  const sent: EmailMessage[] = [];
  const events = new Map<string, MetricAlert>();
  let emailDown = false;
  const watches = new FakeWatchStore();
  const deps = (now = NOW): MetricWatchDeps => ({
    surveys: {
      getSurvey: async (id) => surveys.find((s) => s.id === id),
      listSurveys: async (_page, keep) => ({ items: surveys.filter((s) => !keep || keep(s)) }),
    },
    aggregates: { query: async (surveyId, _g, from, to) => cells.filter((c) => c.surveyId === surveyId && c.period >= from && c.period <= to) },
    watches,
    email: {
      send: async (message) => {
        if (emailDown) throw new Error('SES: service unavailable');
        sent.push(message);
      },
    },
    messages: { metricAlertEmail: (alert, to) => metricAlertEmail(alert, to, 'https://cx.example.org/dashboard') },
    // Like the outbox: one item per event id, whatever the retries.
    outbox: {
      enqueueMetricAlert: async (alert) => {
        const id = metricAlertEvent(alert).id;
        if (events.has(id)) return 0;
        events.set(id, alert);
        return 1;
      },
    },
    now,
  });
  const cell = (period: string, counters: Counters, touchpoint = 'delivery', channel = 'web', surveyId = 's1'): StoredAggregate => ({ surveyId, granularity: 'D', period, touchpoint, channel, counters });
  /** Baseline: NPS +30 from 200 answers a week for 4 weeks; the last 7 days as given. */
  const weeks = (current: Counters, touchpoint = 'delivery', channel = 'web', now = NOW) => {
    const w = watchWindows(now);
    return [cell(w.baseline.from, nps(800, 0.45, 0.15), touchpoint, channel), cell(w.current.from, current, touchpoint, channel)];
  };
  return {
    deps,
    watches,
    sent,
    events,
    setCells: (next: StoredAggregate[]) => (cells = next),
    setEmailDown: (down: boolean) => (emailDown = down),
    cell,
    weeks,
  };
}

const DROPPED = nps(200, 0.25, 0.35); // −10
const STEADY = nps(200, 0.45, 0.15); // +30

describe('metric alerts from the day cells', () => {
  it('compares the last 7 complete days with the 28 before them', () => {
    expect(watchWindows(NOW)).toEqual({ current: { from: '2026-11-24', to: '2026-11-30' }, baseline: { from: '2026-10-27', to: '2026-11-23' }, silenceDay: '2026-11-30' });
  });

  it('notifies a drop once per episode: not again while it holds, again after it recovered and dropped anew', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED));
    const first = await checkMetrics(t.deps());
    expect(first).toMatchObject({ surveys: 1, opened: 1, notified: ['s1/touchpoint/delivery/nps-drop#1'], failed: [] });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({ to: 'lead@example.com', subject: 'Metric alert: NPS fell at touchpoint delivery: \u221210, was +30 (Delivery check)' });
    expect(t.sent[0].text).toContain('NPS, last 7 days: \u221210 from 200 answers (2026-11-24 to 2026-11-30)');
    expect(t.sent[0].text).toContain('NPS, 28 days before: +30 from 800 answers (2026-10-27 to 2026-11-23)');
    expect([...t.events.values()]).toEqual([expect.objectContaining({ episode: 1, metric: 'nps', touchpoint: 'delivery', value: -10, baseline: 30, n: 200, baselineN: 800 })]);

    // The next hours and days: still down, nothing more.
    for (const hours of [1, 2, 30]) {
      const again = await checkMetrics(t.deps(new Date(NOW.getTime() + hours * 3_600_000)));
      expect(again).toMatchObject({ opened: 0, notified: [] });
    }
    expect(t.sent).toHaveLength(1);

    // Recovered: closes the episode quietly.
    t.setCells(t.weeks(STEADY));
    expect(await checkMetrics(t.deps())).toMatchObject({ recovered: 1, notified: [] });
    expect(t.watches.items.get('s1/touchpoint/delivery/nps-drop')!.state).toMatchObject({ open: false, episodes: 1 });

    // A new drop: a new episode, a new e-mail and event.
    t.setCells(t.weeks(DROPPED));
    expect(await checkMetrics(t.deps())).toMatchObject({ opened: 1, notified: ['s1/touchpoint/delivery/nps-drop#2'] });
    expect(t.sent).toHaveLength(2);
    expect([...t.events.values()].map((a) => episodeIdOf(a))).toEqual(['s1/touchpoint/delivery/nps-drop#1', 's1/touchpoint/delivery/nps-drop#2']);
  });

  it('leaves episodes alone on an inconclusive finding: too few answers neither open nor close one', async () => {
    const t = setup();
    t.setCells(t.weeks(nps(20, 0, 1))); // 20 detractors: fewer than 30 answers
    expect(await checkMetrics(t.deps())).toMatchObject({ opened: 0, notified: [] });
    expect(t.watches.items.size).toBe(0);

    t.setCells(t.weeks(DROPPED));
    await checkMetrics(t.deps());
    t.setCells(t.weeks(nps(20, 1, 0))); // 20 promoters: still too few to say it recovered
    expect(await checkMetrics(t.deps())).toMatchObject({ recovered: 0 });
    expect(t.watches.items.get('s1/touchpoint/delivery/nps-drop')!.state.open).toBe(true);
    t.setCells(t.weeks(DROPPED));
    expect(await checkMetrics(t.deps())).toMatchObject({ opened: 0, holding: 1, notified: [] });
    expect(t.sent).toHaveLength(1);
  });

  it('does not record a notification the e-mail provider refused: the next run sends it, and the event goes out once', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED));
    t.setEmailDown(true);
    const down = await checkMetrics(t.deps());
    expect(down).toMatchObject({ opened: 1, notified: [], failed: [{ episodeId: 's1/touchpoint/delivery/nps-drop#1', message: 'SES: service unavailable' }] });
    expect(t.watches.items.get('s1/touchpoint/delivery/nps-drop')).toMatchObject({ notified: 0, state: { open: true, episodes: 1 } });
    expect(t.watches.items.get('s1/touchpoint/delivery/nps-drop')!.claimedBy).toBeUndefined();

    t.setEmailDown(false);
    const later = await checkMetrics(t.deps(new Date(NOW.getTime() + 3_600_000)));
    expect(later).toMatchObject({ opened: 0, holding: 1, notified: ['s1/touchpoint/delivery/nps-drop#1'], failed: [] });
    expect(t.sent).toHaveLength(1);
    expect(t.events.size).toBe(1);
    expect(await checkMetrics(t.deps())).toMatchObject({ notified: [] });
    expect(t.sent).toHaveLength(1);
  });

  it('notifies once when two runs check at the same time', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED));
    const reports = await Promise.all([checkMetrics(t.deps()), checkMetrics(t.deps()), checkMetrics(t.deps())]);
    expect(reports.flatMap((r) => r.notified)).toEqual(['s1/touchpoint/delivery/nps-drop#1']);
    expect(t.sent).toHaveLength(1);
    expect(t.events.size).toBe(1);
  });

  it('checks CSAT where the survey asks it, and every channel that is not just one touchpoint', async () => {
    const t = setup({ surveys: [survey({ questions: [{ id: 'nps', type: 'nps', text: 'x' }, { id: 'csat', type: 'csat', text: 'y' }] as Survey['questions'] })] });
    const w = watchWindows(NOW);
    const csat = (n: number, top2: number): Counters => ({ csat_n: n, csat_top2: top2 });
    t.setCells([
      // delivery answers on web and sms; returns on sms only. CSAT falls at delivery; NPS stays.
      t.cell(w.baseline.from, { ...STEADY, ...csat(200, 160) }, 'delivery', 'web'),
      t.cell(w.current.from, { ...STEADY, ...csat(200, 100) }, 'delivery', 'web'),
      t.cell(w.baseline.from, { ...STEADY, ...csat(200, 160) }, 'delivery', 'sms'),
      t.cell(w.current.from, { ...STEADY, ...csat(200, 160) }, 'delivery', 'sms'),
      t.cell(w.baseline.from, { ...STEADY }, 'returns', 'sms'),
      t.cell(w.current.from, { ...STEADY }, 'returns', 'sms'),
    ]);
    const report = await checkMetrics(t.deps());
    // Channel web holds exactly delivery's web cells but not all of delivery's: it is checked on its own.
    expect([...report.notified].sort()).toEqual(['s1/channel/web/csat-drop#1', 's1/touchpoint/delivery/csat-drop#1']);
    expect(t.sent.map((m) => m.subject).sort()).toEqual([
      'Metric alert: CSAT fell at channel web: 50%, was 80% (Delivery check)',
      'Metric alert: CSAT fell at touchpoint delivery: 65%, was 80% (Delivery check)',
    ]);
  });

  it('checks one touchpoint on one channel once, as the touchpoint', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED, 'store', 'import'));
    expect((await checkMetrics(t.deps())).notified).toEqual(['s1/touchpoint/store/nps-drop#1']);
  });

  it('finds a touchpoint gone silent: it answered on every one of the 28 days before, and not at all yesterday', async () => {
    const t = setup();
    const busy = (days: number, skipLast: boolean) =>
      Array.from({ length: days }, (_, i) => t.cell(day(-days + i), { responses: skipLast && i === days - 1 ? 0 : 10 }, 'kiosk', 'face-to-face')).filter((c) => c.counters.responses > 0);
    t.setCells(busy(29, false));
    expect(await checkMetrics(t.deps())).toMatchObject({ opened: 0, notified: [] });

    t.setCells(busy(29, true));
    const silent = await checkMetrics(t.deps());
    expect(silent.notified).toEqual(['s1/touchpoint/kiosk/silence#1']);
    expect(t.sent[0].subject).toBe('Metric alert: No answers at touchpoint kiosk on 2026-11-30 (Delivery check)');
    expect(t.sent[0].text).toContain('Usually: about 10 a day (mean of 2026-11-02 to 2026-11-29)');
    expect([...t.events.values()][0]).toMatchObject({ kind: 'silence', metric: 'responses', value: 0, baseline: 10, window: { from: '2026-11-30', to: '2026-11-30' } });

    // A touchpoint that answers only now and then is not "silent" on a quiet day: inconclusive.
    const rare = setup();
    rare.setCells([rare.cell(day(-20), { responses: 3 }, 'kiosk', 'web'), rare.cell(day(-5), { responses: 3 }, 'kiosk', 'web')]);
    expect(await checkMetrics(rare.deps())).toMatchObject({ notified: [] });
  });

  it('checks the other surveys when one cannot be read, and tries a lost notification mark again', async () => {
    const t = setup({ surveys: [survey({ id: 'broken' }), survey()] });
    t.setCells(t.weeks(DROPPED));
    const deps = t.deps();
    const query = deps.aggregates.query;
    const mark = t.watches.markNotified.bind(t.watches);
    let marks = 0;
    t.watches.markNotified = async (key, episode) => {
      if (marks++ === 0) throw new Error('ProvisionedThroughputExceededException');
      return mark(key, episode);
    };
    const report = await checkMetrics({
      ...deps,
      markRetryDelayMs: 0,
      aggregates: { query: (surveyId, ...rest) => (surveyId === 'broken' ? Promise.reject(new Error('ThrottlingException')) : query(surveyId, ...rest)) },
    });
    expect(report).toMatchObject({ surveys: 2, notified: ['s1/touchpoint/delivery/nps-drop#1'], failed: [], surveysFailed: [{ surveyId: 'broken', message: 'ThrottlingException' }] });
    expect(t.watches.items.get('s1/touchpoint/delivery/nps-drop')!.notified).toBe(1);
    expect(t.sent).toHaveLength(1);
  });

  it('skips archived surveys unless asked for one by id', async () => {
    const t = setup({ surveys: [survey({ status: 'archived' })] });
    t.setCells(t.weeks(DROPPED));
    expect(await checkMetrics(t.deps())).toMatchObject({ surveys: 0, notified: [] });
    expect(await checkMetrics(t.deps(), { surveyId: 's1' })).toMatchObject({ surveys: 1, notified: ['s1/touchpoint/delivery/nps-drop#1'] });
    expect(await checkMetrics(t.deps(), { surveyId: 'nope' })).toMatchObject({ surveys: 0 });
  });

  it('runs the scheduled check once an hour, however often the timer fires', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED));
    expect(await hourlyMetricCheck(t.deps())).toMatchObject({ notified: ['s1/touchpoint/delivery/nps-drop#1'] });
    expect(await hourlyMetricCheck(t.deps(new Date(NOW.getTime() + 5 * 60_000)))).toBeUndefined();
    expect(await hourlyMetricCheck(t.deps(new Date(NOW.getTime() + 60 * 60_000)))).toMatchObject({ notified: [] });
  });

  it('sends a metric.alert whose id comes from the episode, and a chat card with the dashboard', async () => {
    const t = setup();
    t.setCells(t.weeks(DROPPED));
    await checkMetrics(t.deps());
    const alert = [...t.events.values()][0];
    const event = metricAlertEvent(alert, 'https://cx.example.org/dashboard?surveyId=s1');
    expect(event).toMatchObject({ type: 'metric.alert', version: 1, occurredAt: alert.openedAt, data: { kind: 'drop', metric: 'nps', surveyId: 's1', touchpoint: 'delivery', window: { from: '2026-11-24', to: '2026-11-30' }, value: -10, baseline: 30, reportUrl: 'https://cx.example.org/dashboard?surveyId=s1' } });
    // As documented in the OpenAPI webhooks section, with nothing extra; a silence on a channel too.
    expect(EVENT_SCHEMAS['metric.alert'].safeParse(JSON.parse(JSON.stringify(event))).error?.issues).toBeUndefined();
    const silent = { ...alert, kind: 'silence' as const, metric: 'responses' as const, touchpoint: undefined, channel: 'sms', value: 0, baseline: 12.5 };
    expect(EVENT_SCHEMAS['metric.alert'].safeParse(JSON.parse(JSON.stringify(metricAlertEvent(silent)))).error?.issues).toBeUndefined();
    expect(metricAlertEvent(silent).data).toMatchObject({ kind: 'silence', channel: 'sms' });
    expect(metricAlertEvent(alert).id).toBe(event.id);
    expect(metricAlertEvent({ ...alert, episode: 2 }).id).not.toBe(event.id);
    const card = metricAlertCard(alert, 'https://cx.example.org/d');
    expect(card.headline).toBe('NPS fell at touchpoint delivery: \u221210, was +30');
    expect(card.facts).toContainEqual(['Change', '\u221240 points']);
    expect(card.button).toEqual({ text: 'Open the dashboard', url: 'https://cx.example.org/d' });
  });
});
