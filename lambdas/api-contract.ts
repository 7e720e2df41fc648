/**
 * What each route takes and answers, for the OpenAPI document: the request schemas are the very zod schemas
 * the handlers validate with, so the document cannot drift from what the API accepts. Routes the pipeline
 * declares but this map does not describe still appear (from the handler's description), and a test
 * requires every route with a body to be described here.
 */
import * as z from 'zod/mini';
import './domain/kernel/zod';
import { AlertRulesRequestSchema, ConditionSchema } from './domain/surveys/alert-rules';
import { ThemeSetRequestSchema } from './domain/comments/themes/taxonomy';
import { DestinationRequestSchema } from './domain/destinations/destinations';
import { CaseActionSchema, CaseQuerySchema } from './domain/loop/case-requests';
import { FatigueRulesSchema } from './domain/surveys/survey-schema';
import { InvitationRequestSchema } from './domain/outreach/invitations';
import { OFFLINE_CHANNELS } from './domain/intake/offline-import';
import { PageQuerySchema } from './domain/kernel/paging';
import { ThemesQuerySchema } from './domain/insight/themes-report';
import { AggregateExportQuerySchema, CaseReportQuerySchema, FunnelQuerySchema, SummaryQuerySchema, TrendQuerySchema } from './domain/insight/reports';
import { SmsInvitationRequestSchema } from './domain/outreach/phone/sms-invitations';
import { PhoneRouteSchema } from './domain/outreach/phone/routing';
import { WebSubmissionSchema } from './domain/intake/submission-schema';
import { NewApiKeySchema } from './domain/people/roles';
import { NoFields, SurveyInputSchema } from './domain/surveys/survey-schema';
import type { HttpMethod } from './pipeline';

export type RouteKey = `${HttpMethod} ${string}`;

export interface RouteContract {
  readonly summary: string;
  /** The request body; its media types default to JSON. */
  readonly body?: { readonly schema: z.ZodMiniType; readonly media?: readonly string[]; readonly description?: string };
  readonly query?: z.ZodMiniObject;
  /** The success answer, and the shape of its body where it is described. @default 200 JSON */
  readonly success?: { readonly status: number; readonly media?: string; readonly description: string; readonly schema?: z.ZodMiniType };
}

const JSON_MEDIA = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const CSV = 'text/csv';
const HTML = 'text/html';

/** Schemas that get a name under components.schemas (and `$ref`s where they are used). */
export const namedSchemas: Record<string, z.ZodMiniType> = {
  SurveyInput: SurveyInputSchema,
  AlertCondition: ConditionSchema,
  AlertRules: AlertRulesRequestSchema,
  Themes: ThemeSetRequestSchema,
  CaseAction: CaseActionSchema,
  EmailInvitations: InvitationRequestSchema,
  SmsInvitations: SmsInvitationRequestSchema,
  WebSubmission: WebSubmissionSchema,
  NewApiKey: NewApiKeySchema,
  FatigueRules: FatigueRulesSchema,
  PhoneRoute: PhoneRouteSchema,
};

const count = z.int().check(z.minimum(0));
const proportion = z.object({ percent: z.number(), low: z.number(), high: z.number(), count, n: count }).check(z.describe('a share in percent with its Wilson 95 % interval'));
const nps = z.object({ score: z.number(), low: z.number(), high: z.number(), marginOfError: z.number(), promoters: count, passives: count, detractors: count, n: count, tooFew: z.boolean() }).check(z.describe('NPS in points with its adjusted-Wald 95 % interval'));
const themeFigures = { mentions: count, share: proportion, negative: count, positive: count, nps: z.optional(nps) };

/** What `GET /admin/reports/themes` answers (documentation only: the handler builds it in themes-report.ts). */
export const ThemesReportSchema = z.object({
  surveyId: z.string(),
  from: z.iso.date(),
  to: z.iso.date(),
  previous: z.object({ from: z.iso.date(), to: z.iso.date(), analysed: count }).check(z.describe('the period of the same length just before from')),
  analysed: count.check(z.describe('comments analysed in the range')),
  sentiment: z.object({ negative: count, neutral: count, positive: count, unread: count }),
  nps: z.optional(nps),
  themes: z.array(
    z.object({
      theme: z.string(),
      label: z.string(),
      ...themeFigures,
      impact: z.nullable(z.number()).check(z.describe('overall NPS minus the NPS without the responses mentioning the theme, in points: negative pulls the score down')),
      previous: z.object(themeFigures),
      change: z.object({
        share: z.number().check(z.describe('percentage points')),
        shareZ: z.nullable(z.number()),
        shareSignificant: z.boolean().check(z.describe('two-proportion z-test, α = 0.05 two-sided')),
        nps: z.nullable(z.number()),
        npsZ: z.nullable(z.number()),
        npsSignificant: z.boolean().check(z.describe('z-test on the NPS difference, α = 0.05 two-sided')),
      }),
    }),
  ).check(z.describe('by mentions, most first; unassigned last')),
  suggestions: z.optional(
    z.object({
      sampled: z.boolean().check(z.describe('more responses than were read: counts are from the first ones')),
      read: count,
      detractors: count,
      promoters: count,
      phrases: z.array(z.object({ phrase: z.string(), detractors: count, promoters: count, logOdds: z.number(), z: z.number() })),
    }).check(z.describe('key phrases over-represented among detractors, not already a theme phrase; absent for analysts (comment text)')),
  ),
});

/** Provider webhooks post their own signed form fields; the signature is what is checked. */
const providerForm = z.record(z.string(), z.string()).check(z.describe("the provider's form fields, as signed"));
const importRows = z.array(z.record(z.string(), z.string())).check(z.describe('rows as JSON (the CLI sends these), or the same as text/csv with a header row'));

export const contract: Record<RouteKey, RouteContract> = {
  'GET /health': { summary: 'Liveness probe' },
  'POST /admin/surveys': { summary: 'Create a survey', body: { schema: SurveyInputSchema }, success: { status: 201, description: 'the survey with its id and formUrl' } },
  'GET /admin/surveys': {
    summary: 'Surveys, newest first: id, name, touchpoint, status, version, createdAt, responseCount, lastResponseAt (archived ones with include=archived; a scoped manager sees theirs)',
    query: z.extend(PageQuerySchema, { include: z.optional(z.enum(['archived'])) }),
  },
  'GET /admin/surveys/{surveyId}': { summary: 'Read a survey; its version is also the ETag that PUT takes as If-Match' },
  'PUT /admin/surveys/{surveyId}': {
    summary: "Replace a survey's definition (If-Match: its version; 428 without, 412 when stale). A question keeps its type; one left out of a survey with responses is kept hidden",
    body: { schema: SurveyInputSchema },
    success: { status: 200, description: 'the survey at its new version (ETag), with hiddenQuestions and removedQuestions' },
  },
  'POST /admin/surveys/{surveyId}/archive': { summary: 'Archive a survey: it takes no answers on any channel (410) and leaves the default listing; idempotent', body: { schema: NoFields, description: 'no fields: send {} or no body' } },
  'POST /admin/surveys/{surveyId}/unarchive': { summary: 'Make an archived survey active again; idempotent', body: { schema: NoFields, description: 'no fields: send {} or no body' } },
  'POST /admin/surveys/{surveyId}/invitations': {
    summary: 'E-mail invitations with one-click score links (send an Idempotency-Key; a retry sends nothing twice)',
    body: { schema: InvitationRequestSchema },
    success: { status: 202, description: 'a status per contact: sent, already-sent, in-progress, suppressed (with the reason) or failed' },
  },
  'POST /admin/surveys/{surveyId}/sms-invitations': { summary: 'Text survey invitations', body: { schema: SmsInvitationRequestSchema }, success: { status: 202, description: 'a status per contact' } },
  'POST /admin/keys': { summary: 'Create an API key (admin, manager with a scope, analyst)', body: { schema: NewApiKeySchema }, success: { status: 201, description: 'the key, shown once, and its keyId' } },
  'GET /admin/keys': { summary: 'List API keys (never the key or its hash)' },
  'DELETE /admin/keys/{keyId}': { summary: 'Revoke an API key' },
  'GET /admin/responses': { summary: "A survey's responses, newest first", query: z.extend(PageQuerySchema, { surveyId: z.string().check(z.minLength(1), z.maxLength(64)) }) },
  'GET /admin/responses/{responseId}': { summary: 'One response with its scores' },
  'GET /admin/surveys/{surveyId}/alert-rules': { summary: "A survey's alert rules", query: z.object({ version: z.optional(z.string().check(z.regex(/^[1-9][0-9]*$/))) }) },
  'PUT /admin/surveys/{surveyId}/alert-rules': {
    summary: "Replace a survey's alert rules (If-Match: the version read); at least one enabled rule",
    body: { schema: AlertRulesRequestSchema },
    success: { status: 200, description: 'the new version, with `warnings` when no rule would open a case for an NPS 0 answer' },
  },
  'DELETE /admin/surveys/{surveyId}/alert-rules': { summary: "Go back to the survey's thresholds (If-Match: the version read); a new version without rules" },
  'GET /admin/surveys/{surveyId}/themes': {
    summary: "A survey's comment themes and the taxonomy its comments are matched with (`effective`)",
    query: z.object({ version: z.optional(z.string().check(z.regex(/^[1-9][0-9]*$/))) }),
  },
  'PUT /admin/surveys/{surveyId}/themes': {
    summary: "Extend or replace the default theme taxonomy for a survey's comments (If-Match: the version read); `cx comments reanalyze` applies it to stored comments",
    body: { schema: ThemeSetRequestSchema },
    success: { status: 200, description: 'the new version, with the effective taxonomy' },
  },
  'POST /admin/destinations': {
    summary: 'Create a destination: a signed webhook (any https URL), a Slack incoming webhook or a Teams Workflows webhook, for the events it subscribes to; a webhook\'s signing secret (whsec_…) is in this answer only',
    body: { schema: DestinationRequestSchema },
    success: { status: 201, description: 'the destination, with `secret` for a webhook' },
  },
  'GET /admin/destinations': { summary: 'Every destination (never a secret; a chat URL, itself a credential, shortened)' },
  'GET /admin/destinations/{destinationId}': { summary: 'One destination' },
  'PUT /admin/destinations/{destinationId}': { summary: 'Replace what a destination is (its type and secrets stay)', body: { schema: DestinationRequestSchema } },
  'DELETE /admin/destinations/{destinationId}': { summary: 'Delete a destination' },
  'POST /admin/destinations/{destinationId}/replay': {
    summary: "Send a destination's deliveries again (all kept, or those created since `since`), with their webhook-ids, at the next sweep",
    body: { schema: z.strictObject({ since: z.optional(z.string().check(z.maxLength(40))) }) },
    success: { status: 202, description: '`requeued`: how many' },
  },
  'GET /admin/destinations/{destinationId}/deliveries': { summary: "A destination's delivery log, newest first: event, state, the last attempts (status, latency, error) and the next try" },
  'POST /admin/destinations/{destinationId}/rotate': { summary: 'A new signing secret (in this answer only); the current ones keep signing beside it for 24 hours', body: { schema: NoFields } },
  'DELETE /admin/surveys/{surveyId}/themes': { summary: 'Go back to the default taxonomy (If-Match: the version read); a new version without themes of its own' },
  'POST /admin/surveys/{surveyId}/responses/import': {
    summary: 'Import answers collected offline',
    query: z.object({ channel: z.enum(OFFLINE_CHANNELS) }),
    body: { schema: importRows, media: [CSV, JSON_MEDIA] },
    success: { status: 200, description: 'stored, duplicates and each rejected row with its reason' },
  },
  'GET /admin/surveys/{surveyId}/responses/export': {
    summary: "Export a survey's responses, a page at a time (next cursor in x-next-cursor)",
    query: z.extend(PageQuerySchema, { format: z.optional(z.enum(['csv', 'jsonl'])) }),
    success: { status: 200, media: CSV, description: 'RFC 4180 CSV (formula-safe) or JSON Lines (format=jsonl)' },
  },
  'POST /admin/customers/import': { summary: 'Import CRM customer profiles (upsert)', body: { schema: importRows, media: [CSV, JSON_MEDIA] } },
  'DELETE /admin/customers/{customerId}': { summary: 'Erase a customer; answers the audit record (what went, by whom, when; the customer as a keyed hash)' },
  'GET /admin/audit': { summary: 'The erasures of a month', query: z.object({ month: z.optional(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/))) }) },
  'GET /admin/customers/{customerId}': { summary: 'A customer: profile, latest responses, cases' },
  'GET /admin/settings/contact-fatigue': { summary: 'The global contact-fatigue rules' },
  'PUT /admin/settings/contact-fatigue': { summary: 'Set the global contact-fatigue rules', body: { schema: FatigueRulesSchema } },
  'GET /admin/reports/summary': { summary: 'Every figure of a survey over a range (NPS, CSAT, CES with intervals, distributions and extremes, loyalty), optionally grouped', query: SummaryQuerySchema },
  'GET /admin/reports/trend': { summary: 'A metric per day, week or month with intervals and period-over-period change, overall or per touchpoint or channel', query: TrendQuerySchema },
  'GET /admin/reports/funnel': { summary: 'The invitation funnel per channel: invited, one-click page opened, answered, completed, opened without an answer', query: FunnelQuerySchema },
  'GET /admin/reports/cases': { summary: 'Case metrics: time to acknowledge and resolve, open cases by age', query: CaseReportQuerySchema },
  'GET /admin/reports/export': {
    summary: 'The aggregate cells (every counter) as CSV or JSON Lines',
    query: AggregateExportQuerySchema,
    success: { status: 200, media: 'text/csv', description: 'RFC 4180 CSV (formula-safe) or JSON Lines (format=jsonl)' },
  },
  'GET /admin/reports/themes': {
    summary: 'Comment themes: analysed comments and their sentiment; per theme mentions, share, NPS with its interval, impact on the overall NPS, change versus the previous period with significance; phrase suggestions (not for analysts)',
    query: ThemesQuerySchema,
    success: { status: 200, description: 'the themes report', schema: ThemesReportSchema },
  },
  'GET /admin/reports/{report}': {
    summary: 'Any report by its name (summary, trend, cases, funnel, export, themes): each is described at its own path; another name is a 404 naming `report`',
  },
  'GET /admin/cases': { summary: 'Cases, filtered, newest or oldest first', query: z.extend(PageQuerySchema, CaseQuerySchema.shape) },
  'GET /admin/alerts': { summary: 'Cases (the earlier name of GET /admin/cases)', query: z.extend(PageQuerySchema, CaseQuerySchema.shape) },
  'GET /admin/cases/{caseId}': { summary: 'A case with its history and response' },
  'POST /admin/cases/{caseId}/actions': { summary: 'Acknowledge, note, assign, resolve or reopen a case (409 when its status does not allow it)', body: { schema: CaseActionSchema } },
  'PUT /admin/phone-numbers/{phoneNumber}': { summary: 'Route calls and texts to this E.164 number to a survey', body: { schema: PhoneRouteSchema } },
  'GET /dashboard': { summary: 'The dashboard for a signed-in session (else the sign-in page)', query: z.object({ surveyId: z.optional(z.string()), from: z.optional(z.iso.date()), to: z.optional(z.iso.date()) }), success: { status: 200, media: HTML, description: 'the dashboard, drawn on the server' } },
  'POST /dashboard/session': { summary: 'Sign in to the dashboard with an API key (form field apiKey)', body: { schema: z.object({ apiKey: z.string() }), media: [FORM] }, success: { status: 303, media: HTML, description: 'to the dashboard, with an HttpOnly session cookie' } },
  'POST /dashboard/sign-out': { summary: 'End the dashboard session', body: { schema: z.object({}), media: [FORM] }, success: { status: 303, media: HTML, description: 'to the sign-in page' } },
  'GET /dashboard/cases': {
    summary: "The case inbox of the signed-in key: mine, my team's or all, overdue first",
    query: z.object({ view: z.optional(z.enum(['mine', 'team', 'all'])), status: z.optional(z.string()), severity: z.optional(z.string()), touchpoint: z.optional(z.string()) }),
    success: { status: 200, media: HTML, description: 'the inbox, drawn on the server' },
  },
  'GET /dashboard/responses': {
    summary: 'The responses and comments behind a figure: a survey, some days, one touchpoint or channel, or one theme (its sentiment and themes shown; not for analysts; a theme that is not an id is a 400)',
    query: z.object({ surveyId: z.string(), from: z.iso.date(), to: z.iso.date(), touchpoint: z.optional(z.string()), channel: z.optional(z.string()), theme: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/))) }),
    success: { status: 200, media: HTML, description: 'the responses, newest first' },
  },
  'GET /dashboard/destinations': {
    summary: 'Destinations (admin keys; another role gets a 403 page): each with its events, state, health (last delivered, failing since, pending, given up) and latest deliveries; never a secret nor a whole chat URL',
    success: { status: 200, media: HTML, description: 'the destinations, drawn on the server' },
  },
  'GET /dashboard/cases/{caseId}': { summary: 'A case page inside the dashboard session (its profile, timeline and history)', success: { status: 200, media: HTML, description: 'the case page' } },
  'POST /dashboard/cases/{caseId}': { summary: 'Act on a case as the signed-in key (also reassign and escalate)', body: { schema: CaseActionSchema, media: [FORM] }, success: { status: 303, media: HTML, description: 'back to the case page, with what was done' } },
  'GET /s/{surveyId}': { summary: 'The hosted survey form', success: { status: 200, media: HTML, description: 'an HTML form that works without JavaScript' } },
  'POST /responses': {
    summary: 'Submit a response (JSON, or the hosted form)',
    body: { schema: WebSubmissionSchema, media: [JSON_MEDIA, FORM], description: 'the hosted form posts the same fields, answers as answers.<questionId>' },
    success: { status: 202, description: 'the response id; stored once per Idempotency-Key' },
  },
  'GET /r/{token}': { summary: 'One-click score link from an invitation e-mail (records nothing: scanners follow links)', success: { status: 200, media: HTML, description: 'the confirm page' } },
  'POST /r/{token}': { summary: 'Confirm the clicked score (and add a comment)', body: { schema: z.record(z.string(), z.string()), media: [FORM] }, success: { status: 200, media: HTML, description: 'the thank-you page' } },
  'GET /u/{token}': { summary: 'Unsubscribe page', success: { status: 200, media: HTML, description: 'the unsubscribe page' } },
  'POST /u/{token}': { summary: 'Unsubscribe (RFC 8058 one-click: List-Unsubscribe=One-Click)', body: { schema: z.record(z.string(), z.string()), media: [FORM] }, success: { status: 200, media: HTML, description: 'confirmation' } },
  'GET /c/{token}': { summary: "The case page for its owner (signed, expiring link)", success: { status: 200, media: HTML, description: 'the case page' } },
  'POST /c/{token}': { summary: 'Act on the case from its page', body: { schema: CaseActionSchema, media: [FORM] }, success: { status: 303, media: HTML, description: 'back to the case page, with what was done' } },
  'POST /webhooks/twilio/voice': { summary: 'Twilio voice webhook (X-Twilio-Signature)', body: { schema: providerForm, media: [FORM] }, success: { status: 200, media: 'text/xml', description: 'TwiML' } },
  'POST /webhooks/twilio/voice/status': { summary: 'Twilio call status callback (X-Twilio-Signature)', body: { schema: providerForm, media: [FORM] }, success: { status: 200, media: 'text/xml', description: 'TwiML' } },
  'POST /webhooks/twilio/sms': { summary: 'Twilio inbound SMS (X-Twilio-Signature)', body: { schema: providerForm, media: [FORM] }, success: { status: 200, media: 'text/xml', description: 'TwiML' } },
  'GET /webhooks/vonage/answer': { summary: 'Vonage answer webhook (signed JWT; call fields in the query are refused: use POST)' },
  'POST /webhooks/vonage/answer': { summary: 'Vonage answer webhook (signed JWT)', body: { schema: z.record(z.string(), z.unknown()) }, success: { status: 200, description: 'NCCO' } },
  'POST /webhooks/vonage/input': { summary: 'Vonage input webhook (signed JWT)', body: { schema: z.record(z.string(), z.unknown()) }, success: { status: 200, description: 'NCCO' } },
  'POST /webhooks/vonage/event': { summary: 'Vonage event webhook (signed JWT)', body: { schema: z.record(z.string(), z.unknown()) }, success: { status: 200, description: 'NCCO or empty' } },
  'GET /openapi.json': { summary: 'This document', success: { status: 200, description: 'OpenAPI 3.1' } },
};
