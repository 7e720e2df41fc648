import { duePeriod, localTimeOf, sendDueDigests, type DigestClaimKey, type DigestClaims, type DigestDeps } from '../../../../lambdas/domain/destinations/digests';
import type { StoredAggregate } from '../../../../lambdas/domain/insight/ports';
import type { AlertCase } from '../../../../lambdas/domain/loop/alerts';
import type { EmailMessage } from '../../../../lambdas/domain/kernel/senders';
import type { Survey } from '../../../../lambdas/domain/surveys/survey';
import { describeDigest, SurveyInputSchema } from '../../../../lambdas/domain/surveys/survey-schema';
import { digestEmail } from '../../../../lambdas/views/digest';
import { digestCard } from '../../../../lambdas/views/chat';
import { alertCase } from '../../support/alert-case';
import { survey } from '../../support/fixtures';

const at = (iso: string) => new Date(iso);

describe('the period a digest is due for', () => {
  it('is the day before once the local hour has come, the day before that until then (Berlin, Los Angeles, Auckland)', () => {
    const daily = { frequency: 'daily', hour: 8 } as const;
    expect(duePeriod(daily, 'Europe/Berlin', at('2026-12-01T06:59:00Z')).key).toBe('2026-11-29'); // 07:59 local
    expect(duePeriod(daily, 'Europe/Berlin', at('2026-12-01T07:00:00Z'))).toEqual({ key: '2026-11-30', frequency: 'daily', from: '2026-11-30', to: '2026-11-30' });
    // 08:00 on 1 Dec in Los Angeles is 16:00 UTC; in Auckland (UTC+13) it is 19:00 UTC on 30 Nov.
    expect(duePeriod(daily, 'America/Los_Angeles', at('2026-12-01T15:59:00Z')).key).toBe('2026-11-29');
    expect(duePeriod(daily, 'America/Los_Angeles', at('2026-12-01T16:00:00Z')).key).toBe('2026-11-30');
    expect(duePeriod(daily, 'Pacific/Auckland', at('2026-11-30T19:00:00Z')).key).toBe('2026-11-30');
    expect(duePeriod(daily, 'UTC', at('2026-12-01T07:59:59Z')).key).toBe('2026-11-29');
    // Hour 0 is due from midnight: the day just ended.
    expect(duePeriod({ frequency: 'daily', hour: 0 }, 'UTC', at('2026-12-01T00:00:00Z')).key).toBe('2026-11-30');
  });

  it('counts a local hour a DST change skips as come at the next hour, and names the same day twice in the hour it repeats', () => {
    const at2 = { frequency: 'daily', hour: 2 } as const;
    // Berlin, 29 Mar 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    expect(localTimeOf(at('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toEqual({ day: '2026-03-29', hour: 1, weekday: 7 });
    expect(duePeriod(at2, 'Europe/Berlin', at('2026-03-29T00:59:00Z')).key).toBe('2026-03-27');
    expect(localTimeOf(at('2026-03-29T01:00:00Z'), 'Europe/Berlin').hour).toBe(3);
    expect(duePeriod(at2, 'Europe/Berlin', at('2026-03-29T01:00:00Z')).key).toBe('2026-03-28');
    // 25 Oct 2026: 03:00 CEST falls back to 02:00 CET; 02:00–02:59 happens twice, one period both times (the claim sends it once).
    expect(duePeriod(at2, 'Europe/Berlin', at('2026-10-25T00:00:00Z')).key).toBe('2026-10-24');
    expect(duePeriod(at2, 'Europe/Berlin', at('2026-10-25T01:00:00Z')).key).toBe('2026-10-24');
    expect(duePeriod(at2, 'Europe/Berlin', at('2026-10-24T23:59:00Z')).key).toBe('2026-10-23');
    // New York's spring change (8 Mar 2026, 02:00 → 03:00 EDT).
    expect(duePeriod(at2, 'America/New_York', at('2026-03-08T07:00:00Z')).key).toBe('2026-03-07');
  });

  it('is the ISO week before the last weekday whose hour has come, for a weekly digest', () => {
    const monday8 = { frequency: 'weekly', hour: 8 } as const;
    // Monday 30 Nov 2026, 08:00 Berlin: week 48 (23–29 Nov).
    expect(duePeriod(monday8, 'Europe/Berlin', at('2026-11-30T07:00:00Z'))).toEqual({ key: '2026-W48', frequency: 'weekly', from: '2026-11-23', to: '2026-11-29' });
    expect(duePeriod(monday8, 'Europe/Berlin', at('2026-11-30T06:59:00Z')).key).toBe('2026-W47');
    expect(duePeriod(monday8, 'Europe/Berlin', at('2026-12-06T20:00:00Z')).key).toBe('2026-W48');
    const friday17 = { frequency: 'weekly', hour: 17, weekday: 5 } as const;
    expect(duePeriod(friday17, 'America/Los_Angeles', at('2026-12-05T01:00:00Z')).key).toBe('2026-W48'); // Fri 4 Dec 17:00 PST
    expect(duePeriod(friday17, 'America/Los_Angeles', at('2026-12-05T00:59:00Z')).key).toBe('2026-W47');
    // Across the year's end: Monday 4 Jan 2027 names 2026-W53.
    expect(duePeriod(monday8, 'UTC', at('2027-01-04T08:00:00Z'))).toEqual({ key: '2026-W53', frequency: 'weekly', from: '2026-12-28', to: '2027-01-03' });
  });
});

describe('the digest setting', () => {
  const input = (digest: unknown) => {
    const { id: _i, createdAt: _c, version: _v, status: _s, ...rest } = survey();
    return SurveyInputSchema.safeParse({ ...rest, alert: { digest } });
  };
  it('takes a frequency, hour, weekday and audience; {} or none is no digest, and the read-out says so', () => {
    const weekly = input({ frequency: 'weekly', hour: 7, weekday: 1, to: 'survey-owner' });
    expect(weekly.success).toBe(true);
    expect(describeDigest({ alert: weekly.data!.alert, timeZone: 'Europe/Berlin' })).toBe('Weekly on Monday at 07:00 Europe/Berlin, for the ISO week before; by e-mail to the survey owner, and to every destination subscribed to "digest". A period without responses or open cases sends none.');
    expect(input({}).success).toBe(true);
    expect(describeDigest({ alert: input({}).data!.alert })).toMatch(/^No digest: alert\.digest is not set/);
    expect(describeDigest(survey())).toMatch(/^No digest/);
  });

  it('refuses, naming the field, a setting that would send nothing or makes no sense', () => {
    const noFrequency = input({ hour: 8 });
    expect(noFrequency.success).toBe(false);
    expect(noFrequency.error!.issues[0].path).toEqual(['alert', 'digest', 'frequency']);
    expect(input({ frequency: 'daily', weekday: 3 }).error!.issues[0].path).toEqual(['alert', 'digest', 'weekday']);
    expect(input({ frequency: 'hourly' }).success).toBe(false);
    expect(input({ frequency: 'daily', hour: 24 }).error!.issues[0].path).toEqual(['alert', 'digest', 'hour']);
    expect(input({ frequency: 'daily', to: 'everyone' }).success).toBe(false);
    expect(input({ frequency: 'daily', extra: 1 }).success).toBe(false);
  });
});

/* sendDueDigests against in-memory ports. */
class Claims implements DigestClaims {
  readonly items = new Map<string, { state: 'claimed' | 'sent'; by: string; until: number }>();
  readonly done = new Set<string>();
  private id = (k: DigestClaimKey) => `${k.recipient}#${k.surveyId}#${k.period}`;
  async claim(k: DigestClaimKey, claimant: string, now: Date, leaseMs: number) {
    const item = this.items.get(this.id(k));
    if (item && (item.state === 'sent' || (item.until > now.getTime() && item.by !== claimant))) return false;
    this.items.set(this.id(k), { state: 'claimed', by: claimant, until: now.getTime() + leaseMs });
    return true;
  }
  async release(k: DigestClaimKey, claimant: string) {
    if (this.items.get(this.id(k))?.by === claimant) this.items.delete(this.id(k));
  }
  async markSent(k: DigestClaimKey) {
    this.items.set(this.id(k), { ...this.items.get(this.id(k))!, state: 'sent' });
  }
  async isDone(surveyId: string, period: string) {
    return this.done.has(`${surveyId}#${period}`);
  }
  async markDone(surveyId: string, period: string) {
    this.done.add(`${surveyId}#${period}`);
  }
}

const cell = (period: string, counters: Record<string, number>): StoredAggregate => ({ surveyId: 'srv1', granularity: 'D', period, touchpoint: 'delivery', channel: 'web', counters });

function world(options: { surveys?: Survey[]; cells?: StoredAggregate[]; cases?: AlertCase[]; takers?: number } = {}) {
  const sent: EmailMessage[] = [];
  const events: { surveyId: string; period: string; data: unknown }[] = [];
  const claims = new Claims();
  let providerDown = false;
  const surveys = options.surveys ?? [survey({ timeZone: 'Europe/Berlin', alert: { digest: { frequency: 'daily', hour: 8 } } })];
  const deps = (now: Date, claimant = 'run-1'): DigestDeps => ({
    surveys: {
      getSurvey: async (id) => surveys.find((s) => s.id === id),
      listSurveys: async (_page, keep) => ({ items: surveys.filter((s) => !keep || keep(s)) }),
    },
    aggregates: { query: async (_id, _g, from, to) => (options.cells ?? []).filter((c) => c.period >= from && c.period <= to) },
    cases: { listCases: async (filter) => ({ items: (options.cases ?? []).filter((c) => c.surveyId === filter.surveyId) }) },
    claims,
    email: {
      send: async (m) => {
        if (providerDown) throw new Error('SES: service unavailable');
        sent.push(m);
      },
    },
    digestEmail: (content, to) => digestEmail(content, to, now),
    enqueueDigest: async (s, period, data) => {
      // Idempotent like the outbox: one delivery per survey and period.
      if (events.some((e) => e.surveyId === s.id && e.period === period.key)) return 0;
      events.push({ surveyId: s.id, period: period.key, data });
      return 1;
    },
    digestTakers: async () => options.takers ?? 1,
    caseLink: (kase, reader) => `https://cx.example.org/c/${kase.id}?for=${reader}`,
    claimant,
    now,
  });
  return { sent, events, claims, deps, setProviderDown: (down: boolean) => (providerDown = down) };
}

// Tuesday 1 Dec 2026, 08:05 in Berlin: the daily digest of Monday 30 Nov is due.
const DUE = at('2026-12-01T07:05:00Z');
const periodCells = [
  // 30 Nov: 3 promoters, 1 passive, 2 detractors; CSAT 4 of 5 satisfied; comments about delivery.
  cell('2026-11-30', { responses: 6, alerts: 2, nps_n: 6, nps_promoters: 3, nps_passives: 1, nps_detractors: 2, csat_n: 5, csat_top2: 4, cm_n: 4, 'th:delivery': 3, 'th:price': 1 }),
  // 29 Nov, the day before: 1 promoter, 2 detractors.
  cell('2026-11-29', { responses: 3, nps_n: 3, nps_promoters: 1, nps_detractors: 2, csat_n: 2, csat_top2: 1, cm_n: 2, 'th:delivery': 1 }),
];

describe('sending the digests that are due', () => {
  const overdue = alertCase('late', { id: 'case-old', owner: 'agent@example.com', surveyId: 'srv1', status: 'open', dueAt: '2026-11-28T10:00:00Z' });
  const open = alertCase('meh', { id: 'case-new', owner: 'lead@example.com', surveyId: 'srv1', status: 'acknowledged', dueAt: '2026-12-03T10:00:00Z' });
  const resolved = alertCase('fine', { id: 'case-done', owner: 'agent@example.com', surveyId: 'srv1', status: 'resolved', dueAt: '2026-11-20T10:00:00Z' });

  it('e-mails the survey owner (every open case) and each case owner (their own) with the figures, and queues one digest event', async () => {
    const w = world({ cells: periodCells, cases: [overdue, open, resolved] });
    const report = await sendDueDigests(w.deps(DUE));
    expect(report).toMatchObject({ emailed: 2, skippedEmpty: 0, alreadyDone: 0, failed: [], runs: [{ surveyId: 'srv1', period: '2026-11-30', emailed: 2, events: 1 }] });
    expect(w.sent.map((m) => m.to).sort()).toEqual(['agent@example.com', 'lead@example.com']);
    const lead = w.sent.find((m) => m.to === 'lead@example.com')!;
    expect(lead.subject).toBe('Daily digest · Delivery check · Mon 30 Nov 2026');
    expect(lead.text).toContain('Responses: 6 (period before: 3)');
    // NPS (3 − 2) / 6 = 16.7 against (1 − 2) / 3 = −33.3: +50 points.
    expect(lead.text).toMatch(/NPS: 16\.7 \(95 % interval -?\d+(\.\d)? to \d+(\.\d)?, 6 answers\), \+50 against the period before \(-33\.3; not significant at 95 %\)/);
    expect(lead.text).toContain('CSAT (satisfied, 4–5 of 5): 80 %');
    expect(lead.text).toContain('Your cases: 2 open cases, 1 overdue');
    expect(lead.text).toContain('https://cx.example.org/c/case-old?for=lead@example.com');
    expect(lead.text).toMatch(/Delivery and timing: 3 mentions, 75 % of comments \(\+25 points\)/);
    const agent = w.sent.find((m) => m.to === 'agent@example.com')!;
    expect(agent.text).toContain('Your cases: 1 open case, 1 overdue');
    expect(agent.text).toContain('?for=agent@example.com');
    expect(agent.html).toContain('Open</a>');

    expect(w.events).toHaveLength(1);
    expect(w.events[0].data).toMatchObject({
      period: { from: '2026-11-30', to: '2026-11-30' },
      key: '2026-11-30',
      surveyId: 'srv1',
      responses: 6,
      nps: 16.7,
      csat: 80,
      casesOpened: 2,
      casesOpen: 2,
      casesOverdue: 1,
      npsDetail: { n: 6, previous: -33.3, change: 50, significant: false },
      mostOverdue: [{ caseId: 'case-old', owner: 'agent@example.com', caseUrl: 'https://cx.example.org/c/case-old?for=agent@example.com' }],
      topThemes: [{ theme: 'delivery', mentions: 3, share: 75 }, { theme: 'price', mentions: 1 }],
    });
  });

  it('sends a period once: the next runs find it done, and another run at the same time finds every claim taken', async () => {
    const w = world({ cells: periodCells, cases: [overdue] });
    await sendDueDigests(w.deps(DUE));
    const again = await sendDueDigests(w.deps(new Date(DUE.getTime() + 5 * 60_000), 'run-2'));
    expect(again).toMatchObject({ emailed: 0, alreadyDone: 1, runs: [] });
    // A run that started before the first marked it done: its claims are refused.
    w.claims.done.clear();
    const racing = await sendDueDigests(w.deps(DUE, 'run-3'));
    expect(racing.emailed).toBe(0);
    expect(w.sent).toHaveLength(2);
    expect(w.events).toHaveLength(1);
  });

  it('gives a claim back when the provider is down, so the next run sends it, and sends nobody twice', async () => {
    const w = world({ cells: periodCells, cases: [overdue] });
    w.setProviderDown(true);
    const failed = await sendDueDigests(w.deps(DUE));
    expect(failed.emailed).toBe(0);
    expect(failed.failed).toEqual([
      { surveyId: 'srv1', recipient: 'lead@example.com', message: 'SES: service unavailable' },
      { surveyId: 'srv1', recipient: 'agent@example.com', message: 'SES: service unavailable' },
    ]);
    expect(w.claims.items.size).toBe(0);
    expect(w.claims.done.size).toBe(0);
    w.setProviderDown(false);
    const retried = await sendDueDigests(w.deps(new Date(DUE.getTime() + 5 * 60_000), 'run-2'));
    expect(retried).toMatchObject({ emailed: 2, failed: [] });
    expect(w.sent.map((m) => m.to).sort()).toEqual(['agent@example.com', 'lead@example.com']);
    expect(w.claims.done.has('srv1#2026-11-30')).toBe(true);
  });

  it('retries only the recipient whose send failed', async () => {
    const w = world({ cells: periodCells, cases: [overdue] });
    const deps = w.deps(DUE);
    let calls = 0;
    const flaky = { ...deps, email: { send: async (m: EmailMessage) => (++calls === 2 ? Promise.reject(new Error('throttled')) : deps.email.send(m)) } };
    expect((await sendDueDigests(flaky)).failed).toHaveLength(1);
    expect((await sendDueDigests(w.deps(DUE, 'run-2'))).emailed).toBe(1);
    expect(w.sent.map((m) => m.to).sort()).toEqual(['agent@example.com', 'lead@example.com']);
  });

  it('skips and counts an empty digest (no responses, no open case), and queues no event', async () => {
    const w = world({ cells: [cell('2026-11-29', { responses: 4, nps_n: 4, nps_promoters: 4 })], cases: [resolved] });
    const report = await sendDueDigests(w.deps(DUE));
    expect(report).toMatchObject({ emailed: 0, skippedEmpty: 1, failed: [], runs: [{ period: '2026-11-30', skippedEmpty: 1, events: 0 }] });
    expect(w.sent).toEqual([]);
    expect(w.events).toEqual([]);
    // A reader with an open case still gets one when nobody answered.
    const quiet = world({ cells: [], cases: [overdue] });
    expect((await sendDueDigests(quiet.deps(DUE))).emailed).toBe(2);
    expect(quiet.sent[0].text).toContain('NPS: no answers');
  });

  it('reads a week and the week before for a weekly digest', async () => {
    const weekly = survey({ alert: { digest: { frequency: 'weekly', hour: 9, weekday: 1, to: 'survey-owner' } } });
    const cells = [cell('2026-11-23', { responses: 2, nps_n: 2, nps_promoters: 2 }), cell('2026-11-29', { responses: 1, nps_n: 1, nps_detractors: 1 }), cell('2026-11-18', { responses: 1, nps_n: 1, nps_detractors: 1 }), cell('2026-11-30', { responses: 9, nps_n: 9, nps_promoters: 9 })];
    const w = world({ surveys: [weekly], cells, cases: [overdue] });
    // Monday 30 Nov, 09:00 UTC.
    const report = await sendDueDigests(w.deps(at('2026-11-30T09:00:00Z')));
    expect(report.runs).toEqual([{ surveyId: 'srv1', period: '2026-W48', emailed: 1, skippedEmpty: 0, events: 1 }]);
    // survey-owner only: the case owner gets none.
    expect(w.sent.map((m) => m.to)).toEqual(['lead@example.com']);
    expect(w.sent[0].subject).toBe('Weekly digest · Delivery check · week 2026-W48, 23 Nov 2026 – 29 Nov 2026');
    expect(w.events[0].data).toMatchObject({ responses: 3, previousResponses: 1, nps: 33.3, npsDetail: { previous: -100, change: 133.3 } });
  });

  it('sends no e-mail with to: destinations, only the event; and none for archived surveys or those without a digest', async () => {
    const toDestinations = survey({ alert: { digest: { frequency: 'daily', to: 'destinations' } } });
    const w = world({ surveys: [toDestinations, survey({}, 'srv2'), { ...survey({ alert: { digest: { frequency: 'daily' } } }, 'srv3'), status: 'archived' }], cells: periodCells });
    const report = await sendDueDigests(w.deps(DUE));
    expect(report.runs.map((r) => [r.surveyId, r.emailed, r.events])).toEqual([['srv1', 0, 1]]);
    expect(w.sent).toEqual([]);
  });

  it('fails (not done, retried) a digest sent to destinations only when none takes it: nobody would get it', async () => {
    const toDestinations = survey({ alert: { digest: { frequency: 'daily', to: 'destinations' } } });
    const w = world({ surveys: [toDestinations], cells: periodCells, takers: 0 });
    const report = await sendDueDigests(w.deps(DUE));
    expect(report.failed).toEqual([{ surveyId: 'srv1', recipient: 'destinations', message: expect.stringContaining('nobody gets it') }]);
    expect(w.events).toEqual([]);
    expect(await w.claims.isDone('srv1', '2026-11-30')).toBe(false);
  });
});

describe('the digest as a chat card', () => {
  it('shows the figures, open cases and themes, with the most overdue case as its button', () => {
    const card = digestCard({
      period: { from: '2026-11-30', to: '2026-11-30' },
      key: '2026-11-30',
      frequency: 'daily',
      surveyName: 'Delivery check',
      responses: 6,
      nps: 16.7,
      npsDetail: { n: 6, low: -20, high: 50, previous: -33.3, change: 50 },
      casesOpened: 2,
      casesOpen: 2,
      casesOverdue: 1,
      mostOverdue: [{ caseId: 'c1', touchpoint: 'delivery', severity: 'high', owner: 'a@example.com', dueAt: '2026-11-28T10:00:00Z', caseUrl: 'https://cx.example.org/c/t' }],
      topThemes: [{ theme: 'delivery', label: 'Delivery', mentions: 3, share: 75, shareChange: 25 }],
    });
    expect(card.headline).toBe('Daily digest: Delivery check, 2026-11-30');
    expect(card.facts).toEqual([
      ['Responses', '6'],
      ['NPS', '16.7 (-20–50, n 6), +50 vs before'],
      ['CSAT', 'no answers'],
      ['Open cases', '2 (1 overdue)'],
      ['Top themes', 'Delivery (3)'],
    ]);
    expect(card.button).toEqual({ text: 'Open the most overdue case', url: 'https://cx.example.org/c/t' });
  });
});
