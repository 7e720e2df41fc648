import type * as z from 'zod';
import { validationError } from '../domain/errors';
import { aggregatesExport } from '../domain/export';
import {
  AggregateExportQuerySchema,
  CaseReportQuerySchema,
  caseMetrics,
  FunnelQuerySchema,
  funnelOf,
  GRANULARITY_CODE,
  periodsBetween,
  reportRange,
  summarize,
  SummaryQuerySchema,
  trendOf,
  TrendQuerySchema,
  type Cell,
  type Range,
} from '../domain/reports';
import type { AlertCase } from '../domain/alerts';
import { seesSurvey, type Caller } from '../domain/roles';
import { loadSurvey } from '../domain/submissions';
import type { Granularity } from '../domain/aggregates';
import { callerOf, outOfScope } from '../shared/caller';
import { aggregates, feedbackStore } from '../shared/dependencies';
import { httpHandler, json, SECURITY_HEADERS, zodDetails, type HttpEvent } from '../shared/http';

function queryOf<S extends z.ZodType>(schema: S, event: HttpEvent): z.infer<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('the report query is not valid', zodDetails(parsed.error.issues));
  return parsed.data;
}

function rangeOf(query: { from?: string; to?: string }): Range {
  const range = reportRange(query, new Date());
  if ('field' in range) throw validationError(`the report range is not valid: ${range.message}`, [{ field: range.field, message: range.message }]);
  return range;
}

/** A manager scoped to touchpoints counts only theirs; the query's own touchpoint and channel narrow further. */
function cellsFor(caller: Caller, query: { touchpoint?: string; channel?: string }) {
  return (cell: Cell) =>
    (!query.touchpoint || cell.touchpoint === query.touchpoint) &&
    (!query.channel || cell.channel === query.channel) &&
    (caller.role !== 'manager' || !caller.scope.touchpoints || caller.scope.touchpoints.includes(cell.touchpoint));
}

async function cellsOf(surveyId: string, granularity: Granularity, range: Range, keep: (cell: Cell) => boolean): Promise<Cell[]> {
  const periods = periodsBetween(granularity, range);
  const stored = await aggregates().query(surveyId, granularity, periods[0], periods[periods.length - 1]);
  return stored.filter(keep);
}

async function allCases(caller: Caller, range: Range, surveyId?: string): Promise<AlertCase[]> {
  const store = feedbackStore();
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
 * `GET /admin/reports/summary|trend|funnel|export`: figures from the stream-kept aggregates, never from the raw
 * responses; `GET /admin/reports/cases`: time to acknowledge and resolve, and the open backlog by age.
 */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const report = event.routeKey.split('/').pop();
  if (report === 'cases') {
    const query = queryOf(CaseReportQuerySchema, event);
    if (query.surveyId && !seesSurvey(caller, query.surveyId)) throw outOfScope('surveyId', `survey ${query.surveyId}`);
    const range = rangeOf(query);
    return json(200, { ...(query.surveyId && { surveyId: query.surveyId }), ...caseMetrics(await allCases(caller, range, query.surveyId), range, new Date()) });
  }
  const base = queryOf(SummaryQuerySchema.pick({ surveyId: true }).loose(), event);
  if (!seesSurvey(caller, base.surveyId)) throw outOfScope('surveyId', `survey ${base.surveyId}`);
  const survey = await loadSurvey(feedbackStore(), base.surveyId);

  if (report === 'summary') {
    const query = queryOf(SummaryQuerySchema, event);
    const range = rangeOf(query);
    return json(200, summarize(survey, range, await cellsOf(survey.id, 'D', range, cellsFor(caller, query)), query.groupBy));
  }
  if (report === 'funnel') {
    const query = queryOf(FunnelQuerySchema, event);
    const range = rangeOf(query);
    return json(200, { surveyId: survey.id, from: range.from, to: range.to, channels: funnelOf(await cellsOf(survey.id, 'D', range, cellsFor(caller, query)), range) });
  }
  if (report === 'trend') {
    const query = queryOf(TrendQuerySchema, event);
    const range = rangeOf(query);
    const granularity = query.granularity ?? 'week';
    const cells = await cellsOf(survey.id, GRANULARITY_CODE[granularity], range, cellsFor(caller, query));
    return json(200, trendOf(survey, range, granularity, query.metric ?? 'nps', query.by ?? 'none', cells));
  }
  const query = queryOf(AggregateExportQuerySchema, event);
  const range = rangeOf(query);
  const granularity = query.granularity ?? 'day';
  const format = query.format ?? 'csv';
  const cells = (await cellsOf(survey.id, GRANULARITY_CODE[granularity], range, cellsFor(caller, query))).sort((a, b) => `${a.period}${a.touchpoint}${a.channel}`.localeCompare(`${b.period}${b.touchpoint}${b.channel}`));
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
