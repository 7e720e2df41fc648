import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { DomainError, validationError } from '../domain/kernel/errors';
import { aggregatesExport } from '../domain/insight/export';
import {
  AggregateExportQuerySchema,
  CaseReportQuerySchema,
  caseMetrics,
  FunnelQuerySchema,
  funnelOf,
  GRANULARITY_CODE,
  reportRange,
  summarize,
  SummaryQuerySchema,
  trendOf,
  TrendQuerySchema,
  type Range,
} from '../domain/insight/reports';
import type { AlertCase } from '../domain/loop/alerts';
import { seesSurvey, type Caller } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { callerOf, outOfScope } from '../shared/caller';
import { caseStore, responseStore, surveyStore } from '../shared/dependencies';
import { taxonomyOf } from '../domain/comments/themes/taxonomy';
import { phraseSuggestions, previousRange, readAnalysed, themesReport, ThemesQuerySchema, totalOf } from '../domain/insight/themes-report';
import { rangeCells, reportCells } from '../shared/report-cells';
import { httpHandler, json, pathParam, SECURITY_HEADERS, zodDetails, type HttpEvent } from '../shared/http';

/** The reports `GET /admin/reports/{report}` serves; any other name is a 404 naming `report`. */
export const REPORTS = ['summary', 'trend', 'cases', 'funnel', 'export', 'themes'] as const;
export type ReportName = (typeof REPORTS)[number];

function reportOf(event: HttpEvent): ReportName {
  const name = pathParam(event, 'report');
  const known = REPORTS.find((r) => r === name);
  if (!known) throw new DomainError(404, 'not_found', 'There is no such report', [{ field: 'report', message: `one of ${REPORTS.join(', ')}` }]);
  return known;
}

/** The survey every aggregate report names (the rest of the query is checked per report). */
const ReportSurveySchema = z.catchall(z.pick(SummaryQuerySchema, { surveyId: true }), z.unknown());

function queryOf<S extends z.ZodMiniType>(schema: S, event: HttpEvent): z.infer<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('the report query is not valid', zodDetails(parsed.error.issues));
  return parsed.data;
}

function rangeOf(query: { from?: string; to?: string }): Range {
  const range = reportRange(query, new Date());
  if ('field' in range) throw validationError(`the report range is not valid: ${range.message}`, [{ field: range.field, message: range.message }]);
  return range;
}

async function allCases(caller: Caller, range: Range, surveyId?: string): Promise<AlertCase[]> {
  const store = caseStore();
  const cases: AlertCase[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listCases(surveyId ? { surveyId } : {}, {
      limit: 100,
      order: 'oldest',
      since: new Date(`${range.from}T00:00:00Z`),
      now: new Date(`${range.to}T23:59:59Z`),
      ...(caller.role === 'manager' && { scope: caller.scope }),
      ...(cursor && { cursor }),
    });
    cases.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return cases;
}

/**
 * `GET /admin/reports/{report}`, one route for every report: `summary|trend|funnel|export` are figures from the
 * stream-kept aggregates, never from the raw responses; `cases` is time to acknowledge and resolve, and the
 * open backlog by age; `themes` is share, NPS and change per comment theme, with phrase suggestions
 * (themes-report.ts). Another name is a 404 (the route list stays short: each HTTP route costs the stack
 * several CloudFormation resources).
 */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const report = reportOf(event);
  if (report === 'cases') {
    const query = queryOf(CaseReportQuerySchema, event);
    if (query.surveyId && !seesSurvey(caller, query.surveyId)) throw outOfScope('surveyId', `survey ${query.surveyId}`);
    const range = rangeOf(query);
    return json(200, { ...(query.surveyId && { surveyId: query.surveyId }), ...caseMetrics(await allCases(caller, range, query.surveyId), range, new Date()) });
  }
  const base = queryOf(ReportSurveySchema, event);
  if (!seesSurvey(caller, base.surveyId)) throw outOfScope('surveyId', `survey ${base.surveyId}`);
  const survey = await loadSurvey(surveyStore(), base.surveyId);

  if (report === 'summary') {
    const query = queryOf(SummaryQuerySchema, event);
    const range = rangeOf(query);
    // Grouping by day or week needs day cells; anything else reads the fewest cells that cover the range.
    const byDay = query.groupBy === 'day' || query.groupBy === 'week';
    const cells = byDay ? await reportCells(caller, survey.id, 'D', range, query) : await rangeCells(caller, survey.id, range, query);
    return json(200, summarize(survey, range, cells, query.groupBy));
  }
  if (report === 'funnel') {
    const query = queryOf(FunnelQuerySchema, event);
    const range = rangeOf(query);
    return json(200, { surveyId: survey.id, from: range.from, to: range.to, channels: funnelOf(await rangeCells(caller, survey.id, range, query), range) });
  }
  if (report === 'themes') {
    const query = queryOf(ThemesQuerySchema, event);
    const range = rangeOf(query);
    const before = previousRange(range);
    const narrow = { ...(query.touchpoint && { touchpoint: query.touchpoint }), ...(query.channel && { channel: query.channel }) };
    const [now, then] = await Promise.all([rangeCells(caller, survey.id, range, narrow), rangeCells(caller, survey.id, before, narrow)]);
    const taxonomy = taxonomyOf(survey.themeSet);
    const themes = themesReport(survey.id, range, totalOf(now, range), totalOf(then, before), taxonomy);
    // Phrases are comment text: an analyst sees the counts only, as in the drill-down.
    if (caller.role === 'analyst') return json(200, themes);
    const read = await readAnalysed(responseStore(), caller, survey.id, range, narrow);
    return json(200, { ...themes, suggestions: phraseSuggestions(read.items, read.sampled, taxonomy) });
  }
  if (report === 'trend') {
    const query = queryOf(TrendQuerySchema, event);
    const range = rangeOf(query);
    const granularity = query.granularity ?? 'week';
    const cells = await reportCells(caller, survey.id, GRANULARITY_CODE[granularity], range, query);
    return json(200, trendOf(survey, range, granularity, query.metric ?? 'nps', query.by ?? 'none', cells, new Date()));
  }
  const query = queryOf(AggregateExportQuerySchema, event);
  const range = rangeOf(query);
  const granularity = query.granularity ?? 'day';
  const format = query.format ?? 'csv';
  const cells = (await reportCells(caller, survey.id, GRANULARITY_CODE[granularity], range, query)).sort((a, b) => `${a.period}${a.touchpoint}${a.channel}`.localeCompare(`${b.period}${b.touchpoint}${b.channel}`));
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="aggregates-${survey.id}-${granularity}.${format}"`,
    },
    body: aggregatesExport(survey, cells, format),
  };
});
