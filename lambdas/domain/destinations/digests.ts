import { taxonomyOf } from '../comments/themes/taxonomy';
import type { DigestData } from './events';
import type { EmailMessage, EmailSender } from '../kernel/senders';
import type { AlertCase } from '../loop/alerts';
import type { CaseStore } from '../loop/ports';
import type { SurveyStore } from '../surveys/ports';
import { isArchived, surveyTimeZone, type Survey } from '../surveys/survey';
import type { DigestSettings } from '../surveys/survey-schema';
import { isoWeek, UNASSIGNED_THEME } from '../insight/aggregates';
import type { AggregateStore } from '../insight/ports';
import type { Range } from '../insight/reports';
import { figuresOf, npsDifferenceTest, twoProportionTest } from '../insight/statistics';
import { previousRange, themesReport, totalOf } from '../insight/themes-report';

/*
 * Digests: per survey, a daily or weekly summary of the period just ended, sent from the survey's local hour
 * (`alert.digest`) by the scheduled escalation run. Each recipient's digest of a period is claimed before it
 * is sent (a lease, so a crashed run's claim lapses) and given back when the send fails, so the next run
 * retries: never lost, never twice. When every recipient of a survey's period is sent or skipped (nothing to
 * say), the period is marked done and later runs read only that mark.
 */

const DAY_MS = 86_400_000;
const Z95 = 1.959964;
const round1 = (v: number) => Math.round(v * 10) / 10;
/** How many of the most overdue cases a digest lists. */
export const MOST_OVERDUE = 5;
/** How many themes a digest names. */
export const TOP_THEMES = 3;
/** How far back open cases are looked for (cases are listed by the month they opened). */
export const OPEN_CASES_DAYS = 365;
/** How long a claim holds before another run may take it (its holder crashed between claim and send). */
export const DIGEST_LEASE_MS = 15 * 60_000;

/** A survey's time at one instant: its calendar day, hour (0–23) and ISO weekday (1 Monday … 7 Sunday). */
export interface LocalTime {
  readonly day: string;
  readonly hour: number;
  readonly weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
export function localTimeOf(at: Date, timeZone: string): LocalTime {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24, weekday };
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** One digest's period: its key (`2026-11-30` or `2026-W48`) and its first and last local day. */
export interface DigestPeriod extends Range {
  readonly key: string;
  readonly frequency: 'daily' | 'weekly';
}

/**
 * The latest period whose digest is due at `now`: daily, the day before once the local hour has come (before
 * it, the day before that); weekly, the ISO week before the last `weekday` whose hour has come. A local hour
 * that a DST change skips counts as come at the next hour; one it repeats names the same period twice (the
 * claim sends it once).
 */
export function duePeriod(settings: DigestSettings, timeZone: string, now: Date): DigestPeriod {
  const local = localTimeOf(now, timeZone);
  const hour = settings.hour ?? 8;
  if (settings.frequency !== 'weekly') {
    const day = addDays(local.day, local.hour >= hour ? -1 : -2);
    return { key: day, frequency: 'daily', from: day, to: day };
  }
  const weekday = settings.weekday ?? 1;
  let back = (local.weekday - weekday + 7) % 7;
  if (back === 0 && local.hour < hour) back = 7;
  const sendDay = addDays(local.day, -back);
  const monday = addDays(sendDay, -7 - ((new Date(`${sendDay}T00:00:00Z`).getUTCDay() + 6) % 7));
  return { key: isoWeek(monday), frequency: 'weekly', from: monday, to: addDays(monday, 6) };
}

/** What one recipient's digest says. */
export interface DigestContent {
  readonly survey: Pick<Survey, 'id' | 'name' | 'touchpoint'>;
  readonly timeZone: string;
  readonly period: DigestPeriod;
  readonly data: DigestData;
  /** The reader's open cases, most overdue first (at most {@link MOST_OVERDUE}), each with a link signed for the reader. */
  readonly recipient?: string;
}

/** The figures of a survey's period from its day cells (kept by UTC day) and the same-length period before. */
export function periodFigures(survey: Pick<Survey, 'id' | 'questions' | 'themeSet'>, period: Range, cells: Parameters<typeof totalOf>[0]) {
  const before = previousRange(period);
  const now = totalOf(cells, period);
  const then = totalOf(cells, before);
  const current = figuresOf(now, survey);
  const previous = figuresOf(then, survey);
  const npsTest = current.nps && previous.nps ? npsDifferenceTest(current.nps, previous.nps) : undefined;
  const csatTest = current.csat && previous.csat ? twoProportionTest(current.csat.top2Box.count, current.csat.n, previous.csat.top2Box.count, previous.csat.n) : undefined;
  const themes = themesReport(survey.id, period, now, then, taxonomyOf(survey.themeSet))
    .themes.filter((t) => t.theme !== UNASSIGNED_THEME && t.mentions > 0)
    .slice(0, TOP_THEMES)
    .map((t) => ({ theme: t.theme, label: t.label, mentions: t.mentions, share: t.share.percent, shareChange: t.change.share }));
  return {
    responses: current.responses,
    casesOpened: current.alerts,
    previousResponses: previous.responses,
    ...(current.nps && {
      nps: current.nps.score,
      npsDetail: {
        n: current.nps.n,
        low: current.nps.low,
        high: current.nps.high,
        ...(previous.nps && { previous: previous.nps.score, change: round1(current.nps.score - previous.nps.score), significant: npsTest !== undefined && Math.abs(npsTest.z) >= Z95 }),
      },
    }),
    ...(current.csat && {
      csat: current.csat.top2Box.percent,
      csatDetail: {
        n: current.csat.n,
        low: current.csat.top2Box.low,
        high: current.csat.top2Box.high,
        ...(previous.csat && { previous: previous.csat.top2Box.percent, change: round1(current.csat.top2Box.percent - previous.csat.top2Box.percent), significant: csatTest !== undefined && Math.abs(csatTest.z) >= Z95 }),
      },
    }),
    topThemes: themes,
  };
}

const isOpen = (c: AlertCase) => c.status !== 'resolved';
const isOverdue = (c: AlertCase, now: Date) => isOpen(c) && Date.parse(c.dueAt) < now.getTime();

/** The cases part of a digest: how many are open and overdue, and the most overdue (oldest deadline first) with a link each. */
export function casesPart(cases: readonly AlertCase[], now: Date, link: (kase: AlertCase) => string) {
  const open = cases.filter(isOpen);
  const overdue = open.filter((c) => isOverdue(c, now)).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  return {
    casesOpen: open.length,
    casesOverdue: overdue.length,
    mostOverdue: overdue.slice(0, MOST_OVERDUE).map((c) => ({ caseId: c.id, touchpoint: c.touchpoint, severity: c.severity, owner: c.owner, dueAt: c.dueAt, caseUrl: link(c) })),
  };
}

/** Who gets the survey's digest by e-mail, and which open cases each one's digest lists. */
export function recipientsOf(survey: Pick<Survey, 'ownerEmail' | 'alert'>, openCases: readonly AlertCase[]): { readonly to: string; readonly cases: readonly AlertCase[] }[] {
  const audience = survey.alert.digest?.to ?? 'owners';
  if (audience === 'destinations') return [];
  const owner = survey.ownerEmail.toLowerCase();
  const recipients = [{ to: survey.ownerEmail, cases: openCases }];
  if (audience === 'survey-owner') return recipients;
  const byOwner = new Map<string, AlertCase[]>();
  for (const c of openCases) if (c.owner.toLowerCase() !== owner) byOwner.set(c.owner.toLowerCase(), [...(byOwner.get(c.owner.toLowerCase()) ?? []), c]);
  return [...recipients, ...[...byOwner.values()].map((cases) => ({ to: cases[0].owner, cases }))];
}

/** One claim on a digest: a recipient's (an e-mail address) of one survey's period. */
export interface DigestClaimKey {
  readonly recipient: string;
  readonly surveyId: string;
  readonly period: string;
}

export interface DigestClaims {
  /**
   * Takes the right to send one digest for `leaseMs`: true for exactly one caller while it is neither sent nor
   * claimed (or the claim lapsed), by a conditional put.
   */
  claim(key: DigestClaimKey, claimant: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Gives a claim back after a send that failed, so the next run sends it. */
  release(key: DigestClaimKey, claimant: string): Promise<void>;
  markSent(key: DigestClaimKey, now: Date): Promise<void>;
  /** Whether a survey's period is done (every recipient sent or skipped). */
  isDone(surveyId: string, period: string): Promise<boolean>;
  markDone(surveyId: string, period: string, now: Date): Promise<void>;
}

export interface DigestDeps {
  readonly surveys: Pick<SurveyStore, 'listSurveys' | 'getSurvey'>;
  readonly aggregates: Pick<AggregateStore, 'query'>;
  readonly cases: Pick<CaseStore, 'listCases'>;
  readonly claims: DigestClaims;
  readonly email: EmailSender;
  readonly digestEmail: (content: DigestContent, to: string) => EmailMessage;
  /** Queues the survey's digest event for the destinations subscribed to `digest` (idempotent per survey and period). */
  readonly enqueueDigest: (survey: Survey, period: DigestPeriod, data: DigestData) => Promise<number>;
  /** How many enabled destinations take this survey's digest now. */
  readonly digestTakers: (survey: Survey) => Promise<number>;
  /** The case page, signed for its reader. */
  readonly caseLink: (kase: Pick<AlertCase, 'id'>, reader: string) => string;
  readonly claimant: string;
  readonly now: Date;
}

export interface DigestRun {
  readonly surveyId: string;
  readonly period: string;
  readonly emailed: number;
  readonly skippedEmpty: number;
  readonly events: number;
}

export interface DigestReport {
  /** Surveys whose digest was due and not yet done. */
  readonly runs: DigestRun[];
  readonly emailed: number;
  /** Digests not sent because their period had no responses and the reader no open case. */
  readonly skippedEmpty: number;
  /** Surveys whose due period was done before. */
  readonly alreadyDone: number;
  readonly failed: { readonly surveyId: string; readonly recipient: string; readonly message: string }[];
}

const SURVEYS_PAGE = 100;

/** Every survey with a digest, or the one named (any survey: the operator's command names one to try). */
async function surveysWithDigests(deps: Pick<DigestDeps, 'surveys'>, surveyId?: string): Promise<Survey[]> {
  const wanted = (s: Survey) => !isArchived(s) && Boolean(s.alert?.digest?.frequency);
  if (surveyId) {
    const survey = await deps.surveys.getSurvey(surveyId);
    return survey && wanted(survey) ? [survey] : [];
  }
  const found: Survey[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.surveys.listSurveys({ limit: SURVEYS_PAGE, ...(cursor && { cursor }) }, wanted);
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** The survey's unresolved cases opened within {@link OPEN_CASES_DAYS}. */
async function openCasesOf(deps: Pick<DigestDeps, 'cases' | 'now'>, surveyId: string): Promise<AlertCase[]> {
  const open: AlertCase[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.cases.listCases({ surveyId }, { order: 'oldest', since: new Date(deps.now.getTime() - OPEN_CASES_DAYS * DAY_MS), now: deps.now, limit: 200, ...(cursor && { cursor }) });
    open.push(...page.items.filter(isOpen));
    cursor = page.nextCursor;
  } while (cursor);
  return open;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Sends every digest that is due at `deps.now` and not yet sent: for each survey with a digest (or the one
 * named), its latest due period; each recipient's e-mail claimed, sent and marked, or released when the send
 * fails; the digest event queued for the destinations. A failure is reported, never thrown, so one survey's
 * provider trouble stops no other digest (or the escalations that run beside them).
 */
export async function sendDueDigests(deps: DigestDeps, options: { readonly surveyId?: string } = {}): Promise<DigestReport> {
  const report = { runs: [] as DigestRun[], emailed: 0, skippedEmpty: 0, alreadyDone: 0, failed: [] as DigestReport['failed'][number][] };
  for (const survey of await surveysWithDigests(deps, options.surveyId)) {
    const settings = survey.alert.digest as DigestSettings;
    const timeZone = surveyTimeZone(survey);
    const period = duePeriod(settings, timeZone, deps.now);
    try {
      if (await deps.claims.isDone(survey.id, period.key)) {
        report.alreadyDone += 1;
        continue;
      }
      const before = previousRange(period);
      const cells = await deps.aggregates.query(survey.id, 'D', before.from, period.to);
      const figures = periodFigures(survey, period, cells);
      const open = await openCasesOf(deps, survey.id);
      const run = { surveyId: survey.id, period: period.key, emailed: 0, skippedEmpty: 0, events: 0 };
      const failedBefore = report.failed.length;
      const dataFor = (cases: readonly AlertCase[], reader: (c: AlertCase) => string): DigestData => ({
        period: { from: period.from, to: period.to },
        key: period.key,
        frequency: period.frequency,
        timeZone,
        surveyId: survey.id,
        surveyName: survey.name,
        ...figures,
        ...casesPart(cases, deps.now, (c) => deps.caseLink(c, reader(c))),
      });
      for (const recipient of recipientsOf(survey, open)) {
        // Nothing happened and nothing waits for this reader: no mail.
        if (figures.responses === 0 && recipient.cases.length === 0) {
          run.skippedEmpty += 1;
          continue;
        }
        const key = { recipient: recipient.to.toLowerCase(), surveyId: survey.id, period: period.key };
        if (!(await deps.claims.claim(key, deps.claimant, deps.now, DIGEST_LEASE_MS))) continue;
        const content: DigestContent = { survey, timeZone, period, recipient: recipient.to, data: dataFor(recipient.cases, () => recipient.to) };
        try {
          await deps.email.send(deps.digestEmail(content, recipient.to));
        } catch (error) {
          await deps.claims.release(key, deps.claimant);
          report.failed.push({ surveyId: survey.id, recipient: recipient.to, message: messageOf(error) });
          continue;
        }
        await deps.claims.markSent(key, deps.now);
        run.emailed += 1;
      }
      if (figures.responses > 0 || open.length > 0) {
        // Idempotent per destination and event (its id comes from the survey and period): a retry queues nothing twice.
        try {
          // Sent to destinations only, and none takes it: nobody would read it. Failed (and alarmed), not done.
          if ((survey.alert.digest?.to ?? 'owners') === 'destinations' && (await deps.digestTakers(survey)) === 0) {
            throw new Error('no enabled destination takes the digest event, and this survey sends its digest to destinations only: nobody gets it');
          }
          run.events = await deps.enqueueDigest(survey, period, dataFor(open, (c) => c.owner));
        } catch (error) {
          report.failed.push({ surveyId: survey.id, recipient: 'destinations', message: messageOf(error) });
        }
      }
      if (report.failed.length === failedBefore) await deps.claims.markDone(survey.id, period.key, deps.now);
      report.runs.push(run);
      report.emailed += run.emailed;
      report.skippedEmpty += run.skippedEmpty;
    } catch (error) {
      report.failed.push({ surveyId: survey.id, recipient: '', message: messageOf(error) });
    }
  }
  return report;
}
