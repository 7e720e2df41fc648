import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { DomainError, validationError } from '../domain/kernel/errors';
import { mediaType, parseBody, rawBody, zodDetails, type HttpEvent } from './http';

/** Large enough for an import part of a couple of thousand rows; the HTTP API itself accepts 10 MB. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

export interface ImportRows {
  /** The header as written (so a column named like a prototype key can be refused, not dropped). */
  readonly columns: readonly string[];
  readonly rows: { readonly row: number; readonly fields: Record<string, string> }[];
  /** Rows whose field count differs from the header's. */
  readonly misshapen: { readonly row: number; readonly field: string; readonly message: string }[];
}

/**
 * The rows of an import request, each with its line in the file: `text/csv` with a header row, or the
 * CLI's JSON parts `{"rows": [{"row", "fields"}]}`.
 */
export function importRows(event: HttpEvent, maxRows: number): ImportRows {
  if (!mediaType(event).startsWith('text/csv')) {
    const parsed = z.strictObject({ rows: z.array(z.strictObject({ row: z.number().check(z.int(), z.gte(1)), fields: z.record(z.string(), z.string().check(z.maxLength(4000))) })).check(z.maxLength(maxRows)) }).safeParse(parseBody(event, MAX_IMPORT_BYTES));
    if (!parsed.success) throw validationError('the rows are not valid', zodDetails(parsed.error.issues));
    return { columns: [...new Set(parsed.data.rows.flatMap((r) => Object.keys(r.fields)))], rows: parsed.data.rows, misshapen: [] };
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(rawBody(event, MAX_IMPORT_BYTES), { bom: true, skip_empty_lines: true, info: true, relax_column_count: true, max_record_size: 64 * 1024 }) as unknown as typeof records;
  } catch (error) {
    throw new DomainError(400, 'malformed_csv', 'the CSV cannot be read', [{ field: 'body', message: (error as Error).message.slice(0, 200) }]);
  }
  const [header, ...data] = records;
  // Every line counts against the cap, well-formed or not.
  if (data.length > maxRows) throw new DomainError(413, 'too_many_rows', `send at most ${maxRows} rows per request (the CLI splits files)`, [{ field: 'rows', message: `${data.length} rows` }]);
  const columns = header?.record ?? [];
  const fits = data.filter(({ record }) => record.length === columns.length);
  return {
    columns,
    rows: fits.map(({ record, info }) => ({ row: info.lines, fields: Object.fromEntries(columns.map((column, i) => [column, record[i]])) })),
    misshapen: data
      .filter(({ record }) => record.length !== columns.length)
      .map(({ record, info }) => ({ row: info.lines, field: 'row', message: `has ${record.length} fields, the header ${columns.length}` })),
  };
}
