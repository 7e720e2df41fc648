import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { DomainError, validationError } from '../domain/errors';
import { checkColumns, importResponses, MAX_IMPORT_ROWS, OFFLINE_CHANNELS } from '../domain/offline-import';
import { loadSurvey } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, mediaType, parseBody, pathParam, rawBody, zodDetails } from '../shared/http';

/** Large enough for MAX_IMPORT_ROWS rows; the HTTP API itself accepts 10 MB. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

const JsonRowsSchema = z
  .object({
    rows: z.array(z.object({ row: z.number().int().min(1), fields: z.record(z.string(), z.string().max(4000)) }).strict()).max(MAX_IMPORT_ROWS),
  })
  .strict();

/**
 * `POST /admin/surveys/{surveyId}/responses/import?channel=face-to-face|direct-mail`: answers collected
 * offline, as `text/csv` (a header row of question ids plus id, customerId, touchpoint, submittedAt, mode)
 * or as JSON rows from the CLI. Answers a report: stored, duplicates, and each rejected row with its reason.
 */
export const handler = httpHandler(async (event) => {
  const channel = z.enum(OFFLINE_CHANNELS).safeParse(event.queryStringParameters?.channel);
  if (!channel.success) throw validationError('channel must be face-to-face or direct-mail', [{ field: 'channel', message: 'face-to-face or direct-mail' }]);
  const store = feedbackStore();
  const survey = await loadSurvey(store, pathParam(event, 'surveyId'));
  let rows: { row: number; fields: Record<string, string> }[];
  const shapeErrors: { row: number; field: string; message: string }[] = [];
  if (mediaType(event).startsWith('text/csv')) {
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(rawBody(event, MAX_IMPORT_BYTES), { bom: true, skip_empty_lines: true, info: true, relax_column_count: true, max_record_size: 64 * 1024 }) as unknown as typeof records;
    } catch (error) {
      throw new DomainError(400, 'malformed_csv', 'the CSV cannot be read', [{ field: 'body', message: (error as Error).message.slice(0, 200) }]);
    }
    const [header, ...data] = records;
    // Checked as written, so a column named like a prototype key is refused rather than dropped.
    checkColumns(survey, header?.record ?? []);
    const misshapen = data.filter(({ record }) => record.length !== header.record.length);
    misshapen.forEach(({ record, info }) => shapeErrors.push({ row: info.lines, field: 'row', message: `has ${record.length} fields, the header ${header.record.length}` }));
    rows = data
      .filter(({ record }) => record.length === header.record.length)
      .map(({ record, info }) => ({ row: info.lines, fields: Object.fromEntries(header.record.map((column, i) => [column, record[i]])) }));
  } else {
    const parsed = JsonRowsSchema.safeParse(parseBody(event, MAX_IMPORT_BYTES));
    if (!parsed.success) throw validationError('the rows are not valid', zodDetails(parsed.error.issues));
    checkColumns(survey, [...new Set(parsed.data.rows.flatMap((r) => Object.keys(r.fields)))]);
    rows = parsed.data.rows;
  }
  const report = await importResponses(store, survey, channel.data, rows, new Date());
  return json(200, {
    ...report,
    received: report.received + shapeErrors.length,
    rejected: [...report.rejected, ...shapeErrors].sort((a, b) => a.row - b.row),
  });
});
