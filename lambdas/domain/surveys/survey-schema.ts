import * as z from 'zod/mini';
import '../kernel/zod';
import { isSafeKey } from '../kernel/identifiers';
import { LOYALTY_DIMENSIONS } from './scores';

/*
 * What `POST /admin/surveys` and the settings routes accept. Apart from survey.ts, so code that only reads
 * surveys (the stream consumers, most handlers) builds none of these schemas.
 */

/** Whether the runtime knows this IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'rating', 'yesno', 'choice', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const questionId = z.string().check(
  z.regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, "_" or "-"'),
  // Question ids become keys of every response's answers.
  z.refine((id) => isSafeKey(id, 40), 'this name is reserved'),
);

export const QuestionSchema = z.object({
  id: questionId,
  type: z.enum(QUESTION_TYPES),
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  required: z._default(z.boolean(), false),
  /** For `choice`: the allowed answers. */
  options: z.optional(z.array(z.object({ id: questionId, label: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) })).check(z.minLength(2), z.maxLength(20))),
  /** For `rating`: the top of a 1..scale rating. */
  scale: z.optional(z.number().check(z.int(), z.gte(2), z.lte(10))),
  dimension: z.optional(z.enum(LOYALTY_DIMENSIONS)),
  /**
   * No longer asked: left out of the form, the e-mail, phone and SMS, kept in reports. An edit that removes a
   * question of a survey with responses hides it instead.
   */
  hidden: z.optional(z.boolean()),
}).check(z.superRefine((q, ctx) => {
  if (q.type === 'choice' && !q.options)
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice question needs options' });
  if (q.type !== 'choice' && q.options)
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'only choice questions have options' });
  if (q.type !== 'rating' && q.scale !== undefined)
    ctx.addIssue({ code: 'custom', path: ['scale'], message: 'only rating questions have a scale' });
  if (q.dimension && (q.type === 'text' || q.type === 'choice'))
    ctx.addIssue({ code: 'custom', path: ['dimension'], message: 'a loyalty dimension needs a scored question' });
  if (q.options && new Set(q.options.map((o) => o.id)).size !== q.options.length)
    ctx.addIssue({ code: 'custom', path: ['options'], message: 'option ids must be unique' });
}));
export type Question = z.infer<typeof QuestionSchema>;

export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
/**
 * Who gets a survey's digest by e-mail: `owners`, the survey owner and every owner of one of its open cases
 * (each their own cases); `survey-owner`, the survey owner alone; `destinations`, nobody by e-mail. Every
 * destination subscribed to the `digest` event gets it in each case.
 */
export const DIGEST_AUDIENCES = ['owners', 'survey-owner', 'destinations'] as const;

/**
 * The digest of a survey (`alert.digest`): a summary of the period just ended (open and overdue cases, NPS and
 * CSAT against the period before, top themes), sent at `hour` in the survey's time zone, daily or on `weekday`
 * (1 Monday … 7 Sunday, default 1) for the ISO week before. No `frequency`: no digest.
 */
export const DigestSettingsSchema = z
  .strictObject({
    frequency: z.optional(z.enum(DIGEST_FREQUENCIES)),
    /** Local hour (0–23) from which the digest goes out. @default 8 */
    hour: z.optional(z.number().check(z.int(), z.gte(0), z.lte(23))),
    /** Weekly digests only: the day it goes out, 1 (Monday) … 7 (Sunday). @default 1 */
    weekday: z.optional(z.number().check(z.int(), z.gte(1), z.lte(7))),
    /** @default "owners" */
    to: z.optional(z.enum(DIGEST_AUDIENCES)),
  })
  .check(
    z.superRefine((d, ctx) => {
      // A setting that says when or to whom, but not how often, would send nothing: refused, never silently off.
      if (!d.frequency && (d.hour !== undefined || d.weekday !== undefined || d.to !== undefined))
        ctx.addIssue({ code: 'custom', path: ['frequency'], message: 'set "daily" or "weekly" to send a digest (or leave digest out for none)' });
      if (d.weekday !== undefined && d.frequency !== 'weekly') ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'only a weekly digest has a weekday' });
    }),
  );
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const AUDIENCE_WORDS = {
  owners: 'by e-mail to the survey owner and every owner of an open case',
  'survey-owner': 'by e-mail to the survey owner',
  destinations: 'by e-mail to nobody',
} as const;

/** The survey's digest setting in words, as its read-out shows it: when, in which zone, to whom; or that there is none. */
export function describeDigest(survey: { readonly alert?: { readonly digest?: DigestSettings }; readonly timeZone?: string }): string {
  const digest = survey.alert?.digest;
  if (!digest?.frequency) return 'No digest: alert.digest is not set (e.g. {"frequency": "daily", "hour": 8}).';
  const hour = `${String(digest.hour ?? 8).padStart(2, '0')}:00 ${survey.timeZone ?? 'UTC'}`;
  const when = digest.frequency === 'daily' ? `Daily at ${hour}, for the day before` : `Weekly on ${WEEKDAYS[(digest.weekday ?? 1) - 1]} at ${hour}, for the ISO week before`;
  return `${when}; ${AUDIENCE_WORDS[digest.to ?? 'owners']}, and to every destination subscribed to "digest". A period without responses or open cases sends none.`;
}

export const DEFAULT_ALERT_THRESHOLDS = { npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5 } as const;
export const DEFAULT_COMMENT_GRACE_SECONDS = 120;

export const AlertSettingsSchema = z.object({
  enabled: z._default(z.boolean(), true),
  npsAtMost: z._default(z.number().check(z.int(), z.gte(0), z.lte(10)), DEFAULT_ALERT_THRESHOLDS.npsAtMost),
  csatAtMost: z._default(z.number().check(z.int(), z.gte(1), z.lte(5)), DEFAULT_ALERT_THRESHOLDS.csatAtMost),
  cesAtLeast: z._default(z.number().check(z.int(), z.gte(1), z.lte(7)), DEFAULT_ALERT_THRESHOLDS.cesAtLeast),
  /** Hours the owner has to acknowledge a case before it escalates (level 1). */
  acknowledgeHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 30)), 4),
  /** Hours the owner has to resolve a case before it escalates again (level 2). */
  slaHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 30)), 24),
  /** Who hears of escalations by e-mail (a manager); they also go to the SNS alert topic. */
  escalateTo: z.optional(z.email()),
  /**
   * Seconds a one-click score from an e-mail waits for its page's comment before it alerts (0: at once), so
   * the owner reads the comment in the alert; the sweeper sends it within a minute after. @default 120
   */
  commentGraceSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(900)), DEFAULT_COMMENT_GRACE_SECONDS),
  /** The daily or weekly digest (see {@link DigestSettingsSchema}); absent or `{}`: no digest. */
  digest: z.optional(DigestSettingsSchema),
}).check(z.refine((a) => a.acknowledgeHours <= a.slaHours, { path: ['acknowledgeHours'], message: 'must be at most slaHours' }));
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;

/**
 * Contact-fatigue rules: no invitation when the person was invited in the last `invitedWithinDays` days on
 * any channel, or answered in the last `answeredWithinDays` days, or already got `maxPerQuarter`
 * invitations in the last 90 days. Set globally (admin API) and per survey (`fatigue`), the survey's own
 * values winning field by field.
 */
export const FatigueRulesSchema = z.strictObject({
  invitedWithinDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(365))),
  answeredWithinDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(365))),
  maxPerQuarter: z.optional(z.number().check(z.int(), z.gte(1), z.lte(90))),
});
export type FatigueRules = z.infer<typeof FatigueRulesSchema>;

/** What `POST /admin/surveys` accepts. */
export const SurveyInputSchema = z.strictObject({
  // The name becomes an e-mail subject: no line breaks or other control characters.
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.regex(/^[^\u0000-\u001f\u007f]*$/, 'must be a single line without control characters')),
  touchpoint: z.string().check(z.trim(), z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'use lower-case letters, digits and "-", e.g. "support-call"')),
  ownerEmail: z.email(),
  questions: z.array(QuestionSchema).check(z.minLength(1), z.maxLength(30)),
  alert: z.prefault(AlertSettingsSchema, {}),
  /** Contact-fatigue rules of this survey; they win over the global ones field by field. */
  fatigue: z.optional(FatigueRulesSchema),
  /** Days a response (and its case) is kept after it was given; the table's TTL then removes it. */
  retentionDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(3650))),
  intro: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  thankYou: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  /**
   * The IANA time zone in which alerts, case pages and the dashboard show this survey's times, e.g.
   * "Europe/Berlin". Surveys stored without one read as UTC.
   */
  timeZone: z.optional(z.string().check(z.maxLength(64), z.refine(isTimeZone, 'must be an IANA time zone, e.g. "Europe/Berlin" or "UTC"'))),
  /** @default "en" */
  language: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/)), 'en'),
}).check(z.superRefine((s, ctx) => {
  const seen = new Set<string>();
  s.questions.forEach((q, i) => {
    if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id "${q.id}"` });
    seen.add(q.id);
  });
  if (s.questions.length > 0 && s.questions.every((q) => q.hidden)) ctx.addIssue({ code: 'custom', path: ['questions'], message: 'at least one question must be shown (not hidden)' });
}));
export type SurveyInput = z.input<typeof SurveyInputSchema>;

/** The body of an action that takes none (archive, unarchive): `{}` or nothing. */
export const NoFields = z.strictObject({});

/**
 * A stored survey with the defaults of settings added since it was written (alert timings, language), as the
 * API shows it; stored values that no longer validate are shown as they are.
 */
export function withCurrentDefaults<T extends { readonly alert?: unknown; readonly language?: string }>(survey: T): T {
  const alert = AlertSettingsSchema.safeParse(survey.alert ?? {});
  return { ...survey, ...(alert.success && { alert: alert.data }), language: survey.language ?? 'en' };
}

