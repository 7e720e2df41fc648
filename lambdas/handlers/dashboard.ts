import { authorize, hashApiKey } from '../domain/people/api-keys';
import { dashboardPage, destinationsPage, inboxPage, responsesPage, signInPage, viewOf, type DashboardLinks, type DashboardView, type DestinationsPageView, type InboxPageView, type ResponsesPageView } from '../views/dashboard';
import { describeDestination } from '../domain/destinations/destinations';
import { destinationHealth } from '../domain/destinations/health';
import { drillDown, DRILL_DOWN_READ, isThemeId } from '../domain/insight/drill-down';
import { taxonomyOf } from '../domain/comments/themes/taxonomy';
import { previousRange, themeLabel, themeShares, themesReport, totalOf } from '../domain/insight/themes-report';
import { themesViewOf } from '../views/themes';
import { surveyTimeZone } from '../domain/surveys/survey';
import { inbox, INBOX_DAYS, INBOX_LIMIT, inboxViews, type InboxView } from '../domain/loop/inbox';
import { CaseQuerySchema } from '../domain/loop/case-requests';
import { SEVERITIES } from '../domain/surveys/scores';
import { DomainError, notFound } from '../domain/kernel/errors';
import { isWellFormedId } from '../domain/kernel/ids';
import { servePage } from '../shared/case-pages';
import { localTime, relativeTo } from '../views/time';
import { headlineScore, scoresInShort } from '../views/messages';
import { firstDayOf, funnelOf, reportRange, summarize, trendOf } from '../domain/insight/reports';
import { seesCase, seesResponse, seesSurvey, type Caller } from '../domain/people/roles';
import { listsSurvey } from '../domain/insight/survey-list';
import type { Survey } from '../domain/surveys/survey';
import { SESSION_HOURS, sessionToken, verifySessionToken } from '../domain/kernel/tokens';
import { publicUrl } from '../shared/config';
import { secretValue } from '../shared/secrets';
import { apiKeyLookup, caseStore, dashboardSessions, deliveryStore, destinationStore, responseStore, surveyStore } from '../shared/dependencies';
import { refuseCrossSite } from '../shared/same-origin';
import { rangeCells, reportCells } from '../shared/report-cells';
import { html, httpHandler, parseBody, seeOther, type HttpEvent } from '../shared/http';

const COOKIE = 'cx_dashboard';
const PATH = '/dashboard';

const cookie = (value: string, maxAgeSeconds: number) =>
  `${COOKIE}=${value}; Path=${PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${publicUrl().startsWith('https:') ? '; Secure' : ''}`;


function sessionCookie(event: HttpEvent): string | undefined {
  const raw = [...(event.cookies ?? []), ...(event.headers?.cookie ?? '').split(';')].map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return raw?.slice(COOKIE.length + 1);
}

/** A valid session whose key still exists, is not revoked, and has not signed out since the session began. */
async function validSession(event: HttpEvent, secret: string, now: Date): Promise<{ caller: Caller; keyHash: string } | undefined> {
  const token = sessionCookie(event);
  const claims = token ? verifySessionToken(secret, token, now) : undefined;
  if (!claims) return undefined;
  const [key, endedAt] = await Promise.all([apiKeyLookup().getApiKey(claims.keyHash), dashboardSessions().sessionsEndedAt(claims.keyHash)]);
  if (!key || key.revokedAt) return undefined;
  if (endedAt && claims.issuedAt <= Date.parse(endedAt)) return undefined;
  return { caller: { keyName: key.name, role: key.role, scope: key.scope ?? {}, ...(key.email && { email: key.email }) }, keyHash: claims.keyHash };
}

/** The dashboard's pages, by method and path below /dashboard (one greedy route serves them all). */
type DashboardPage =
  | { readonly name: 'reports' | 'session' | 'signOut' | 'cases' | 'responses' | 'destinations' }
  | { readonly name: 'case'; readonly caseId: string };

/** The page a request asks for, or nothing (a 404) for a path or method the dashboard does not serve. */
export function dashboardPageOf(method: string, page: string | undefined): DashboardPage | undefined {
  if (page === undefined) return method === 'GET' ? { name: 'reports' } : undefined;
  const segments = page.split('/');
  if (segments.length === 2 && segments[0] === 'cases' && segments[1] !== '' && (method === 'GET' || method === 'POST')) return { name: 'case', caseId: segments[1] };
  if (segments.length !== 1) return undefined;
  if (method === 'POST') return page === 'session' ? { name: 'session' } : page === 'sign-out' ? { name: 'signOut' } : undefined;
  return method === 'GET' && (page === 'cases' || page === 'responses' || page === 'destinations') ? { name: page } : undefined;
}

/**
 * `GET /dashboard`: the dashboard of a survey and period for a signed-in key (or the sign-in page).
 * `POST /dashboard/session`: signs in with an API key from a form (never a URL) into an 8-hour HttpOnly
 * session cookie bound to the key's hash; `POST /dashboard/sign-out` ends every session of that key, on the
 * server too. Both forms are refused when posted from another site. Pages are drawn on the server; a path
 * below /dashboard that is not a page is a 404, signed in or not.
 */
export const handler = httpHandler(async (event) => {
  const now = new Date();
  const requested = dashboardPageOf(event.requestContext.http.method, event.pathParameters?.page);
  if (!requested) throw new DomainError(404, 'not_found', 'there is no such page in the dashboard', [{ field: 'page', message: 'not a page of the dashboard' }]);
  const secret = await secretValue('TOKEN_SECRET');
  const base = publicUrl();
  if (requested.name === 'signOut') {
    refuseCrossSite(event);
    // Ends the session on the server too: a copied cookie is worth nothing after a sign-out.
    const session = await validSession(event, secret, now);
    if (session) await dashboardSessions().endSessions(session.keyHash, now);
    return seeOther(`${base}${PATH}`, [cookie('', 0)]);
  }
  if (requested.name === 'session') {
    refuseCrossSite(event);
    const key = parseBody(event).apiKey;
    const found = typeof key === 'string' ? await authorize(apiKeyLookup(), key.trim()) : 'missing';
    if (typeof found === 'string') return html(403, signInPage(`${base}${PATH}/session`, 'That key is not valid (or it was revoked).'));
    const token = sessionToken(secret, { keyHash: hashApiKey(key as string), expiresAt: Math.floor(now.getTime() / 1000) + SESSION_HOURS * 3600, issuedAt: now.getTime() });
    return seeOther(`${base}${PATH}`, [cookie(token, SESSION_HOURS * 3600)]);
  }
  const caller = (await validSession(event, secret, now))?.caller;
  if (!caller) return html(200, signInPage(`${base}${PATH}/session`));
  const links: DashboardLinks = { reports: `${base}${PATH}`, cases: `${base}${PATH}/cases`, destinations: `${base}${PATH}/destinations`, signOut: `${base}${PATH}/sign-out` };
  if (requested.name === 'cases') return html(200, inboxPage(await inboxView(event, caller, now, base), links, SEVERITIES.filter((s) => s !== 'none')));
  if (requested.name === 'responses') {
    const view = await responsesView(event, caller, base, now);
    return html(view.status ?? 200, responsesPage(view, links));
  }
  if (requested.name === 'destinations') {
    const view = await destinationsView(caller, now);
    return html(view.status ?? 200, destinationsPage(view, links));
  }
  if (requested.name === 'case') {
    const id = requested.caseId;
    const kase = caller.role !== 'analyst' && isWellFormedId(id) ? await caseStore().getAlert(id) : undefined;
    if (!kase || !seesCase(caller, kase)) throw notFound('Case', 'caseId');
    return servePage(event, kase, {
      actor: 'manager',
      by: `dashboard:${caller.keyName}`,
      selfUrl: `${base}${PATH}/cases/${encodeURIComponent(id)}`,
      sees: (item) => seesResponse(caller, item),
      back: { href: links.cases, label: 'Cases' },
    });
  }
  const q = event.queryStringParameters ?? {};
  // The picker lists the surveys the key may read; without a choice, the newest of them.
  const { items: listed } = await surveyStore().listSurveys({ limit: 100 }, listsSurvey(caller, false));
  const surveys = listed.map((s) => ({ id: s.id, name: s.name }));
  const page = (view: DashboardView) => html(200, dashboardPage(view, links, `${base}${PATH}`));
  const blank = (filter: DashboardView['filter'], notice: string): DashboardView => ({ signedInAs: { name: caller.keyName, role: caller.role }, filter, surveys, headline: [], distributions: [], trends: [], notice });
  const noSurvey = { surveyId: '', from: '', to: '' };
  if (q.surveyId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(q.surveyId)) return page(blank(noSurvey, 'That survey id is not valid: pick a survey from the list.'));
  const surveyId = q.surveyId || surveys[0]?.id || '';
  if (!surveyId) return page(blank(noSurvey, 'There are no surveys this key can read yet.'));
  const range = reportRange({ from: q.from || undefined, to: q.to || undefined }, now);
  const filter = { surveyId, from: 'field' in range ? '' : range.from, to: 'field' in range ? '' : range.to };
  const empty = (notice: string) => blank(filter, notice);
  if ('field' in range) return page(empty(`The period is not valid: ${range.message}.`));
  if (!seesSurvey(caller, surveyId)) return page(empty(`Survey ${surveyId} is outside this key's scope.`));
  const survey = await surveyStore().getSurvey(surveyId);
  if (!survey) return page(empty(`There is no survey ${surveyId}: pick one from the list.`));
  return page({ ...(await dashboardView(caller, survey, range, filter, { base, now })), surveys });
});

async function dashboardView(caller: Caller, survey: Survey, range: { from: string; to: string }, filter: DashboardView['filter'], links: { base: string; now: Date }): Promise<DashboardView> {
  const before = previousRange(range);
  const [covering, weeks, beforeCells] = await Promise.all([rangeCells(caller, survey.id, range), reportCells(caller, survey.id, 'W', range), rangeCells(caller, survey.id, before)]);
  const seesPeople = caller.role !== 'analyst';
  const responsesByWeek = trendOf(survey, range, 'week', 'responses', 'none', weeks, links.now);
  const themes = themesViewOf(
    themesReport(survey.id, range, totalOf(covering, range), totalOf(beforeCells, before), taxonomyOf(survey.themeSet)),
    {
      periods: responsesByWeek.periods,
      periodLabels: responsesByWeek.periods.map((p) => firstDayOf('W', p)),
      partial: responsesByWeek.series[0]?.points.map((p) => p.partial) ?? [],
      shares: (ids) => themeShares(weeks, responsesByWeek.periods, ids),
    },
    // The responses behind a theme, for roles that see responses (an analyst sees the counts only).
    seesPeople ? (theme) => `${links.base}${PATH}/responses?${new URLSearchParams({ surveyId: survey.id, from: range.from, to: range.to, theme })}` : undefined,
  );
  const [comments, cases] = seesPeople ? await Promise.all([latestDetractorComments(caller, survey), openCases(caller, survey, links)]) : [undefined, undefined];
  return viewOf({
    signedInAs: { name: caller.keyName, role: caller.role },
    filter,
    survey,
    summary: summarize(survey, range, covering),
    trends: [
      { title: 'NPS per week, by touchpoint', trend: trendOf(survey, range, 'week', 'nps', 'touchpoint', weeks, links.now), by: 'touchpoint' },
      { title: 'NPS per week, by channel', trend: trendOf(survey, range, 'week', 'nps', 'channel', weeks, links.now), by: 'channel' },
      { title: 'Responses per week', trend: responsesByWeek, by: 'none' },
    ],
    themes,
    ...(seesPeople && { drillDown: `${links.base}${PATH}/responses` }),
    funnel: funnelOf(covering, range),
    ...(comments && { comments }),
    ...(cases && { openCases: cases }),
  });
}

/** The five latest detractors' comments among the survey's latest hundred responses the caller may see. */
async function latestDetractorComments(caller: Caller, survey: Survey): Promise<NonNullable<DashboardView['comments']>> {
  const textIds = survey.questions.filter((q) => q.type === 'text').map((q) => q.id);
  const { items } = await responseStore().listResponses(survey.id, { limit: 100 });
  return items
    .filter((r) => seesResponse(caller, r) && r.scores?.nps?.category === 'detractor')
    .flatMap((r) => {
      const text = commentOf(r.answers, textIds).comment;
      return text ? [{ at: r.submittedAt, score: `NPS ${r.scores!.nps!.value}`, text, channel: r.channel }] : [];
    })
    .slice(0, 5);
}

/** The survey's open cases (newest first, ten), each linking to its case page in the dashboard session. */
async function openCases(caller: Caller, survey: Survey, links: { base: string; now: Date }): Promise<NonNullable<DashboardView['openCases']>> {
  const { items } = await caseStore().listCases(
    { surveyId: survey.id },
    { limit: 50, order: 'newest', since: new Date(links.now.getTime() - 90 * 86_400_000), now: links.now, ...(caller.role === 'manager' && { scope: caller.scope }) },
  );
  return items
    .filter((c) => c.status !== 'resolved' && seesCase(caller, c))
    .slice(0, 10)
    .map((c) => ({ id: c.id, severity: c.severity, status: c.status, openedAt: c.createdAt, owner: c.owner, href: `${links.base}${PATH}/cases/${encodeURIComponent(c.id)}` }));
}

/** The responses behind a chart's point or series, from the query (survey, days, touchpoint or channel). */
async function responsesView(event: HttpEvent, caller: Caller, base: string, now: Date): Promise<ResponsesPageView & { status?: number }> {
  const q = event.queryStringParameters ?? {};
  const signedInAs = { name: caller.keyName, role: caller.role };
  const surveyId = q.surveyId && /^[A-Za-z0-9_-]{1,64}$/.test(q.surveyId) ? q.surveyId : undefined;
  // The same days the reports accept: both given, real calendar days, in order, within the reports' span.
  const range = q.from && q.to ? reportRange({ from: q.from, to: q.to }, now) : undefined;
  const [from, to] = range && !('field' in range) ? [range.from, range.to] : [undefined, undefined];
  const back = `${base}${PATH}${surveyId ? `?${new URLSearchParams({ surveyId, ...(from && { from }), ...(to && { to }) })}` : ''}`;
  const refuse = (notice: string): ResponsesPageView => ({ signedInAs, heading: 'Responses', back, rows: [], matched: 0, notice });
  if (q.theme !== undefined && !isThemeId(q.theme)) return { ...refuse('theme: must be a theme id (lower-case letters, digits and hyphens, at most 60).'), status: 400 };
  if (caller.role === 'analyst') return refuse('An analyst key sees reports, not the responses behind them.');
  if (!surveyId || !from || !to) return refuse('Open this page from a chart: it needs a survey and a period.');
  const touchpoint = q.touchpoint && /^[a-z0-9][a-z0-9-]{0,59}$/.test(q.touchpoint) ? q.touchpoint : undefined;
  const channel = q.channel && /^[a-z0-9-]{1,40}$/.test(q.channel) ? q.channel : undefined;
  const survey = seesSurvey(caller, surveyId) ? await surveyStore().getSurvey(surveyId) : undefined;
  if (!survey) return refuse(`There is no survey ${surveyId} for this key.`);
  const theme = q.theme;
  const found = await drillDown(responseStore(), caller, { surveyId, from, to, ...(touchpoint && { touchpoint }), ...(channel && { channel }), ...(theme && { theme }) });
  const zone = surveyTimeZone(survey);
  const texts = survey.questions.filter((x) => x.type === 'text').map((x) => x.id);
  return {
    signedInAs,
    heading: [survey.name, touchpoint, channel, theme && `theme: ${themeLabel(theme, taxonomyOf(survey.themeSet))}`, from === to ? from : `${from} to ${to}`].filter(Boolean).join(' · '),
    back,
    matched: found.matched,
    rows: found.items.map((r) => ({
      ...commentOf(r.answers, texts),
      at: localTime(r.submittedAt, zone),
      score: scoresInShort(r.scores),
      channel: r.channel,
      touchpoint: r.touchpoint,
      customer: r.customerId ?? 'anonymous',
      ...(r.scores?.caseOpened && { caseHref: `${base}${PATH}/cases/${encodeURIComponent(r.id)}` }),
      ...(r.analysis?.revision === r.revision && { themes: r.analysis.themes.map((t) => themeLabel(t, taxonomyOf(survey.themeSet))), ...(r.analysis.sentiment && { sentiment: r.analysis.sentiment }) }),
    })),
    ...(found.truncated && { notice: `The first ${DRILL_DOWN_READ} responses of the period were read; pick fewer days to see the rest.` }),
  };
}

/** How many of a destination's latest deliveries its health is read from, and how many of them are listed. */
const HEALTH_DELIVERIES = 100;
const LISTED_DELIVERIES = 20;

/** Every destination with its health and latest deliveries (admin keys only; others get a 403 page saying so). */
async function destinationsView(caller: Caller, now: Date): Promise<DestinationsPageView & { status?: number }> {
  const signedInAs = { name: caller.keyName, role: caller.role };
  if (caller.role !== 'admin') return { signedInAs, now, destinations: [], notice: 'Destinations are for admin keys.', status: 403 };
  const destinations = await destinationStore().listDestinations();
  const logs = await Promise.all(destinations.map((d) => deliveryStore().listDeliveries(d.id, HEALTH_DELIVERIES)));
  return {
    signedInAs,
    now,
    destinations: destinations.map((destination, i) => {
      // As the API shows it: no secret, a chat URL (itself a credential) cut to its origin.
      const shown = describeDestination(destination, now);
      const { surveyId, touchpoint, minSeverity, theme } = shown.filter ?? {};
      const filter = [surveyId && `survey ${surveyId}`, touchpoint && `touchpoint ${touchpoint}`, minSeverity && `severity ${minSeverity} or worse`, theme && `theme ${theme}`].filter(Boolean).join(', ');
      return {
        id: shown.id,
        name: shown.name,
        type: shown.type,
        url: shown.url,
        events: shown.events,
        enabled: shown.enabled,
        ...(shown.disabledReason && { disabledReason: shown.disabledReason }),
        ...(filter && { filter }),
        health: destinationHealth(logs[i], now),
        deliveries: logs[i].slice(0, LISTED_DELIVERIES).map((d) => ({
          type: d.type,
          createdAt: d.createdAt,
          state: d.state,
          attemptCount: d.attemptCount,
          ...(d.attempts.length > 0 && { lastAttempt: d.attempts[d.attempts.length - 1] }),
          ...(d.nextAttemptAt && { nextAttemptAt: d.nextAttemptAt }),
        })),
      };
    }),
  };
}

/** The first non-empty answer to a text question, as `{ comment }`, or nothing. */
function commentOf(answers: Record<string, unknown>, textIds: readonly string[]): { comment?: string } {
  const comment = textIds.map((id) => answers[id]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return comment ? { comment } : {};
}

const INBOX_LABELS: Record<InboxView, string> = { mine: 'Mine', team: "My team's", all: 'All' };

/** The inbox of the signed-in key, from the query's view and filters (ignored when not valid). */
async function inboxView(event: HttpEvent, caller: Caller, now: Date, base: string): Promise<InboxPageView> {
  const q = event.queryStringParameters ?? {};
  const views = inboxViews(caller);
  const view = views.find((v) => v === q.view) ?? views[0];
  const parsed = CaseQuerySchema.safeParse({ ...(q.status && { status: q.status }), ...(q.severity && { severity: q.severity }), ...(q.touchpoint && { touchpoint: q.touchpoint }) });
  const filter = parsed.success ? { ...(parsed.data.status && { status: parsed.data.status }), ...(parsed.data.severity && { severity: parsed.data.severity }), ...(parsed.data.touchpoint && { touchpoint: parsed.data.touchpoint }) } : {};
  const chosen = { view: view ?? '', status: filter.status ?? '', severity: filter.severity ?? '', touchpoint: filter.touchpoint ?? '' };
  const signedInAs = { name: caller.keyName, role: caller.role };
  if (!view) return { signedInAs, views: [], chosen, rows: [], notice: 'An analyst key sees reports, not cases.' };
  const { rows, truncated } = await inbox(caseStore(), caller, view, filter, now);
  return {
    signedInAs,
    views: views.map((v) => ({ key: v, label: INBOX_LABELS[v] })),
    chosen,
    rows: rows.map(({ kase, deadline }) => ({
      href: `${base}${PATH}/cases/${encodeURIComponent(kase.id)}`,
      customer: kase.customerId ?? 'anonymous',
      score: headlineScore(kase.scores, '—'),
      comment: firstWords(kase.comment),
      severity: kase.severity,
      status: kase.status,
      touchpoint: kase.touchpoint,
      owner: kase.owner,
      timeLeft: deadline ? `${deadline.level === 1 ? 'acknowledge' : 'resolve'} ${relativeTo(deadline.at, now)}` : '—',
      overdue: deadline?.overdue ?? false,
    })),
    ...(!parsed.success && { notice: 'A filter was not valid and is ignored.' }),
    ...(truncated && { notice: `Showing the latest ${INBOX_LIMIT} cases of the last ${INBOX_DAYS} days; narrow the filters to see others.` }),
  };
}

/** The first dozen words of a comment, on one line. */
const firstWords = (text: string | undefined) => {
  if (!text) return '';
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  return words.length > 12 ? `${words.slice(0, 12).join(' ')}…` : words.join(' ');
};
