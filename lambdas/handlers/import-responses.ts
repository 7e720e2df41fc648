import { responseEventsWanted } from '../shared/destination-list';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { validationError } from '../domain/kernel/errors';
import { checkColumns, importResponses, MAX_IMPORT_ROWS, OFFLINE_CHANNELS, rejectedRowCount } from '../domain/intake/offline-import';
import { assertTakesAnswers, loadSurvey } from '../domain/intake/submissions';
import { responseStore, surveyStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';
import { importRows, MAX_IMPORT_BYTES } from '../shared/import-rows';

/**
 * `POST /admin/surveys/{surveyId}/responses/import?channel=face-to-face|direct-mail`: answers collected
 * offline, as `text/csv` (a header row of question ids plus id, customerId, touchpoint, submittedAt, mode)
 * or as JSON rows from the CLI. Answers a report: stored, duplicates, each rejected row with its reasons, and
 * `rejectedCount`, the number of rows rejected.
 */
export const handler = httpHandler(async (event) => {
  const channel = z.enum(OFFLINE_CHANNELS).safeParse(event.queryStringParameters?.channel);
  if (!channel.success) throw validationError('channel must be face-to-face or direct-mail', [{ field: 'channel', message: 'face-to-face or direct-mail' }]);
  const stores = { surveys: surveyStore(), responses: responseStore(), responseEventsWanted };
  const survey = await loadSurvey(stores.surveys, pathParam(event, 'surveyId'));
  assertTakesAnswers(survey);
  const { columns, rows, misshapen } = importRows(event, MAX_IMPORT_ROWS);
  checkColumns(survey, columns);
  const report = await importResponses(stores, survey, channel.data, rows, new Date());
  const rejected = [...report.rejected, ...misshapen].sort((a, b) => a.row - b.row);
  return json(200, { ...report, received: report.received + misshapen.length, rejected, rejectedCount: rejectedRowCount(rejected) });
}, { maxBodyBytes: MAX_IMPORT_BYTES });
