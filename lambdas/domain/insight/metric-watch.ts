import { randomUUID } from 'node:crypto';
import type { EmailMessage, EmailSender } from '../kernel/senders';
import type { SurveyStore } from '../surveys/ports';
import { isArchived, type Survey } from '../surveys/survey';
import { addCounters, type Counters } from './aggregates';
import { csatCountsOf, csatDrop, DEFAULT_ALPHA, nextEpisodeState, npsCountsOf, npsDrop, silence, type EpisodeState, type Finding } from './metric-alerts';
import type { AggregateStore, MetricAlertOutbox, MetricWatchStore } from './ports';

/**
 * The scheduled metric alerts: for each active survey, each touchpoint's and each channel's NPS (and CSAT where
 * the survey asks it) of the last 7 complete days against the 28 days before them, and whether a touchpoint or
 * channel that normally answers got no answer on the last complete day. One notification per episode (the
 * owner's e-mail and a `metric.alert` event), kept in the table per survey × touchpoint|channel × kind.
 *
 * Why 28 days of baseline, not the week before: a drop stays a drop against a 4-week baseline for as long as it
 * lasts, so the episode stays open (and quiet) until the metric recovers, while a week-on-week comparison sees
 * no drop in the second bad week and would close and later reopen the episode. The summed 4 weeks are also a
 * steadier baseline than one week.
 *
 * Why whole days: the aggregate cells are daily. Comparing complete days only also means a finding changes at
 * most once a day, not back and forth every hour as today's answers arrive.
 */

export type WatchDimension = 'touchpoint' | 'channel';
export type WatchKind = 'nps-drop' | 'csat-drop' | 'silence';
export const WATCH_KINDS: readonly WatchKind[] = ['nps-drop', 'csat-drop', 'silence'];

/** What one watch is about: a survey's touchpoint or channel, and one kind of alert. */
export interface WatchKey {
  readonly surveyId: string;
  readonly dimension: WatchDimension;
  /** The touchpoint or channel. */
  readonly name: string;
  readonly kind: WatchKind;
}

export const watchId = (key: WatchKey) => `${key.surveyId}/${key.dimension}/${key.name}/${key.kind}`;

export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** The finding that opened an episode, as its notification tells it. */
export interface MetricAlert {
  /** `<survey>/<touchpoint|channel>/<name>/<kind>`: the same for every episode of the watch. */
  readonly watchId: string;
  /** The watch's episode number, from 1. */
  readonly episode: number;
  readonly surveyId: string;
  readonly surveyName: string;
  readonly kind: WatchKind;
  readonly metric: 'nps' | 'csat' | 'responses';
  readonly touchpoint?: string;
  readonly channel?: string;
  readonly window: DayRange;
  readonly baselineWindow: DayRange;
  /** NPS points, CSAT top-2-box %, or answers in the window (0 for a silence). */
  readonly value: number;
  /** The same over the baseline; for a silence, the answers expected in the window (the mean of the 28 days before). */
  readonly baseline: number;
  /** Answers behind `value` and `baseline` (a drop only). */
  readonly n?: number;
  readonly baselineN?: number;
  /** One-sided p-value of the drop. */
  readonly pValue?: number;
  readonly openedAt: string;
}

export const episodeIdOf = (alert: Pick<MetricAlert, 'watchId' | 'episode'>) => `${alert.watchId}#${alert.episode}`;

/** A watch as stored between runs. */
export interface MetricWatch {
  readonly key: WatchKey;
  readonly state: EpisodeState;
  /** Bumped by every write of the state: a write expecting another version lost to a run beside it. */
  readonly version: number;
  /** How many of the watch's episodes were notified (the e-mail sent; the event queued before it). */
  readonly notified: number;
  /** The finding that opened the current or last episode, for its notification and any retry of it. */
  readonly alert?: MetricAlert;
}

export interface MetricAlertMessages {
  metricAlertEmail(alert: MetricAlert, to: string): EmailMessage;
}

export interface MetricWatchDeps {
  readonly surveys: Pick<SurveyStore, 'listSurveys' | 'getSurvey'>;
  readonly aggregates: Pick<AggregateStore, 'query'>;
  readonly watches: MetricWatchStore;
  readonly email: EmailSender;
  readonly messages: MetricAlertMessages;
  readonly outbox: MetricAlertOutbox;
  readonly now: Date;
  /** @default DEFAULT_ALPHA (0.025, one-sided) */
  readonly alpha?: number;
  /** How long a claim on a notification holds. @default 2 minutes */
  readonly noticeLeaseMs?: number;
  /** First pause between attempts to record a sent notification (doubling). @default 250 */
  readonly markRetryDelayMs?: number;
}

export interface MetricCheckReport {
  readonly surveys: number;
  /** Findings that decided something, by what they did to their episode. */
  readonly opened: number;
  readonly holding: number;
  readonly recovered: number;
  /** Inconclusive findings (too few answers, no variance, a touchpoint that does not normally answer). */
  readonly inconclusive: number;
  /** Episodes notified by this run. */
  readonly notified: readonly string[];
  /** Episodes whose notification failed; the next run tries again. */
  readonly failed: readonly { readonly episodeId: string; readonly message: string }[];
  /** Surveys whose check failed (their cells or watches could not be read or written); the next run tries again. */
  readonly surveysFailed: readonly { readonly surveyId: string; readonly message: string }[];
}

const DAY_MS = 86_400_000;
export const CURRENT_DAYS = 7;
export const BASELINE_DAYS = 28;
/** A silence is judged over one whole day: the cells are daily. */
const SILENCE_HOURS = 24;
const NOTICE_LEASE_MS = 2 * 60_000;

const dayOffset = (now: Date, days: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + days * DAY_MS).toISOString().slice(0, 10);

/** The compared windows as of `now`: the last 7 complete days, and the 28 days before them. */
export function watchWindows(now: Date): { readonly current: DayRange; readonly baseline: DayRange; readonly silenceDay: string } {
  return {
    current: { from: dayOffset(now, -CURRENT_DAYS), to: dayOffset(now, -1) },
    baseline: { from: dayOffset(now, -CURRENT_DAYS - BASELINE_DAYS), to: dayOffset(now, -CURRENT_DAYS - 1) },
    silenceDay: dayOffset(now, -1),
  };
}

interface Group {
  readonly dimension: WatchDimension;
  readonly name: string;
  /** The touchpoint × channel combinations of its cells: a channel holding exactly a touchpoint's cells repeats it. */
  readonly cells: Set<string>;
  readonly current: Counters;
  readonly baseline: Counters;
  /** Answers per day, from the first baseline day on. */
  readonly daily: Map<string, number>;
}

interface Check {
  readonly key: WatchKey;
  readonly finding: Finding;
  /** The alert the finding would open. */
  readonly alert: (episode: number, openedAt: string) => MetricAlert;
}

/** Every check of one survey's touchpoints and channels from its day cells. */
export async function surveyChecks(deps: Pick<MetricWatchDeps, 'aggregates' | 'now' | 'alpha'>, survey: Survey): Promise<Check[]> {
  const windows = watchWindows(deps.now);
  const cells = await deps.aggregates.query(survey.id, 'D', windows.baseline.from, windows.current.to);
  const groups = new Map<string, Group>();
  for (const cell of cells) {
    const inCurrent = cell.period >= windows.current.from && cell.period <= windows.current.to;
    const inBaseline = cell.period >= windows.baseline.from && cell.period <= windows.baseline.to;
    if (!inCurrent && !inBaseline) continue;
    for (const [dimension, name] of [['touchpoint', cell.touchpoint], ['channel', cell.channel]] as const) {
      const id = `${dimension}/${name}`;
      const group = groups.get(id) ?? { dimension, name, cells: new Set<string>(), current: {}, baseline: {}, daily: new Map<string, number>() };
      group.cells.add(`${cell.touchpoint}|${cell.channel}`);
      addCounters(inCurrent ? group.current : group.baseline, cell.counters);
      group.daily.set(cell.period, (group.daily.get(cell.period) ?? 0) + (cell.counters.responses ?? 0));
      groups.set(id, group);
    }
  }
  const sameCells = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((c) => b.has(c));
  const touchpoints = [...groups.values()].filter((g) => g.dimension === 'touchpoint');
  // A channel whose answers are exactly one touchpoint's would only repeat that touchpoint's alert.
  const watched = [...groups.values()].filter((g) => g.dimension === 'touchpoint' || !touchpoints.some((t) => sameCells(t.cells, g.cells)));
  const asksCsat = survey.questions.some((q) => q.type === 'csat');
  const options = { alpha: deps.alpha ?? DEFAULT_ALPHA };
  const checks: Check[] = [];
  for (const group of watched.sort((a, b) => `${a.dimension}/${a.name}`.localeCompare(`${b.dimension}/${b.name}`))) {
    const key = (kind: WatchKind): WatchKey => ({ surveyId: survey.id, dimension: group.dimension, name: group.name, kind });
    const base = (kind: WatchKind, episode: number, openedAt: string) => ({
      watchId: watchId(key(kind)),
      episode,
      surveyId: survey.id,
      surveyName: survey.name,
      kind,
      ...(group.dimension === 'touchpoint' ? { touchpoint: group.name } : { channel: group.name }),
      openedAt,
    });
    const nps = npsDrop(npsCountsOf(group.current), npsCountsOf(group.baseline), options);
    checks.push({
      key: key('nps-drop'),
      finding: nps,
      alert: (episode, openedAt) => ({
        ...base('nps-drop', episode, openedAt),
        metric: 'nps',
        window: windows.current,
        baselineWindow: windows.baseline,
        value: nps.current.score,
        baseline: nps.previous.score,
        n: nps.current.n,
        baselineN: nps.previous.n,
        ...(nps.pValue !== undefined && { pValue: nps.pValue }),
      }),
    });
    if (asksCsat) {
      const csat = csatDrop(csatCountsOf(group.current), csatCountsOf(group.baseline), options);
      checks.push({
        key: key('csat-drop'),
        finding: csat,
        alert: (episode, openedAt) => ({
          ...base('csat-drop', episode, openedAt),
          metric: 'csat',
          window: windows.current,
          baselineWindow: windows.baseline,
          value: csat.current.share,
          baseline: csat.previous.share,
          n: csat.current.n,
          baselineN: csat.previous.n,
          ...(csat.pValue !== undefined && { pValue: csat.pValue }),
        }),
      });
    }
    // The cells have no hours: each day's answers go in its first hour, and the 24-hour window is the last whole day.
    const history = Array.from({ length: 28 + 1 }, (_, i) => dayOffset(deps.now, -29 + i));
    const hourly = history.flatMap((day) => [group.daily.get(day) ?? 0, ...new Array<number>(SILENCE_HOURS - 1).fill(0)]);
    const quiet = silence(hourly, { hours: SILENCE_HOURS });
    checks.push({
      key: key('silence'),
      finding: quiet,
      alert: (episode, openedAt) => ({
        ...base('silence', episode, openedAt),
        metric: 'responses',
        window: { from: windows.silenceDay, to: windows.silenceDay },
        baselineWindow: { from: history[0], to: history[history.length - 2] },
        value: quiet.observed,
        baseline: quiet.expected ?? 0,
      }),
    });
  }
  return checks;
}

/** Every active survey, or the one asked for (archived or not: an operator asked). */
async function surveysToWatch(deps: Pick<MetricWatchDeps, 'surveys'>, surveyId?: string): Promise<Survey[]> {
  if (surveyId) {
    const survey = await deps.surveys.getSurvey(surveyId);
    return survey ? [survey] : [];
  }
  const found: Survey[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.surveys.listSurveys({ limit: 100, ...(cursor && { cursor }) }, (s) => !isArchived(s));
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/**
 * Checks the metrics of every active survey (or one), moves each watch's episode on, and notifies each new
 * episode once. A state is written only when an episode opens or recovers, conditionally on the version read,
 * so of two runs at once one opens the episode and the other leaves it. An open episode not yet notified is
 * notified by this run or, if that fails (the e-mail provider down), by a later one: the claim is given back
 * and the episode is marked notified only after the e-mail went out. The event is queued first (idempotent:
 * its id comes from the episode), so a retry never delivers it twice.
 */
export async function checkMetrics(deps: MetricWatchDeps, options: { readonly surveyId?: string } = {}): Promise<MetricCheckReport> {
  const counts = { opened: 0, holding: 0, recovered: 0, inconclusive: 0 };
  const notified: string[] = [];
  const failed: { episodeId: string; message: string }[] = [];
  const surveysFailed: { surveyId: string; message: string }[] = [];
  const surveys = await surveysToWatch(deps, options.surveyId);
  // One survey's failure (a throttled read, say) does not keep the others from being checked.
  const checkSurvey = async (survey: Survey) => {
    const stored = new Map((await deps.watches.watchesOf(survey.id)).map((w) => [watchId(w.key), w]));
    for (const check of await surveyChecks(deps, survey)) {
      const before = stored.get(watchId(check.key));
      const next = nextEpisodeState(before?.state, check.finding, deps.now);
      if (next.event === 'unchanged') counts.inconclusive += 1;
      if (next.event === 'opened' || next.event === 'holding' || next.event === 'recovered') counts[next.event] += 1;
      let watch = before;
      if (next.event === 'opened' || next.event === 'recovered') {
        const version = before?.version ?? 0;
        const alert = next.event === 'opened' ? check.alert(next.state.episodes, deps.now.toISOString()) : before?.alert;
        const written: MetricWatch = { key: check.key, state: next.state, version: version + 1, notified: before?.notified ?? 0, ...(alert && { alert }) };
        // Lost to a run beside this one: that run notifies; this one leaves the watch alone.
        watch = (await deps.watches.saveWatch(written, version)) ? written : undefined;
      }
      if (watch?.state.open && watch.alert && watch.notified < watch.state.episodes) {
        const outcome = await notifyOnce(deps, survey, watch, watch.alert);
        if (outcome === 'sent') notified.push(episodeIdOf(watch.alert));
        else if (outcome !== 'skipped') failed.push({ episodeId: episodeIdOf(watch.alert), message: outcome.error });
      }
    }
  };
  for (const survey of surveys) {
    await checkSurvey(survey).catch((error: unknown) => surveysFailed.push({ surveyId: survey.id, message: error instanceof Error ? error.message : String(error) }));
  }
  return { surveys: surveys.length, ...counts, notified, failed, surveysFailed };
}

/** Claims the episode's notification, queues its event, e-mails the owner, and marks it notified. */
async function notifyOnce(deps: MetricWatchDeps, survey: Survey, watch: MetricWatch, alert: MetricAlert): Promise<'sent' | 'skipped' | { error: string }> {
  const claimant = randomUUID();
  const episode = watch.state.episodes;
  // Not claimed: another run is sending it, or has sent it.
  if (!(await deps.watches.claimNotice(watch.key, episode, claimant, deps.now, deps.noticeLeaseMs ?? NOTICE_LEASE_MS))) return 'skipped';
  try {
    await deps.outbox.enqueueMetricAlert(alert);
    await deps.email.send(deps.messages.metricAlertEmail(alert, survey.ownerEmail));
  } catch (error) {
    // Nothing recorded as notified: the next run sends it (the event is not queued twice).
    await deps.watches.releaseNotice(watch.key, claimant).catch(() => undefined);
    return { error: error instanceof Error ? error.message : String(error) };
  }
  // Between the e-mail going out and this mark lies the one window in which a stopped run makes it go out twice
  // (after the claim's lease): try the mark hard.
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.watches.markNotified(watch.key, episode);
      return 'sent';
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, (deps.markRetryDelayMs ?? 250) * 2 ** attempt));
    }
  }
}

/** The hour a scheduled run belongs to: at most one run a hour does the work. */
export const runHour = (now: Date) => now.toISOString().slice(0, 13);

/**
 * The scheduled check, run from a timer that fires more often than hourly: only the first run of each hour
 * (the one whose claim on the hour is written) checks; the others return `undefined`.
 */
export async function hourlyMetricCheck(deps: MetricWatchDeps): Promise<MetricCheckReport | undefined> {
  if (!(await deps.watches.claimRun(runHour(deps.now), deps.now))) return undefined;
  return checkMetrics(deps);
}
