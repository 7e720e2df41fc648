import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { validationError } from '../domain/kernel/errors';
import { responsesCsv, responsesJsonl } from '../domain/insight/export';
import { seesResponse, seesSurvey } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { callerOf, outOfScope } from '../shared/caller';
import { responseStore, surveyStore } from '../shared/dependencies';
import { httpHandler, pageRequest, pathParam, SECURITY_HEADERS } from '../shared/http';

/**
 * `GET /admin/surveys/{surveyId}/responses/export?format=csv|jsonl&cursor=`: a page of up to 100 responses,
 * newest first, as RFC 4180 CSV (header on the first page, formula-safe cells) or JSON Lines. The next page's
 * cursor comes in `x-next-cursor`; `npm run cli -- responses export` follows it to the end.
 */
export const handler = httpHandler(async (event) => {
  const format = z.enum(['csv', 'jsonl']).safeParse(event.queryStringParameters?.format ?? 'csv');
  if (!format.success) throw validationError('format must be csv or jsonl', [{ field: 'format', message: 'csv or jsonl' }]);
  const caller = callerOf(event);
  const surveyId = pathParam(event, 'surveyId');
  if (!seesSurvey(caller, surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const survey = await loadSurvey(surveyStore(), surveyId);
  const page = pageRequest(event);
  const listed = await responseStore().listResponses(survey.id, { ...page, limit: event.queryStringParameters?.limit ? page.limit : 100 });
  const items = listed.items.filter((r) => seesResponse(caller, r));
  const nextCursor = listed.nextCursor;
  const body = format.data === 'csv' ? responsesCsv(survey, items, !page.cursor) : responsesJsonl(items);
  return {
    statusCode: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': format.data === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="responses-${survey.id}.${format.data}"`,
      ...(nextCursor && { 'x-next-cursor': nextCursor }),
    },
    body,
  };
});
