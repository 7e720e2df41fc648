import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { customersFromRows, MAX_CUSTOMER_ROWS } from '../domain/customers';
import { DomainError, notFound, validationError } from '../domain/errors';
import { isWellFormedId } from '../domain/submissions';
import { feedbackStore, phoneStore } from '../shared/dependencies';
import { httpHandler, json, mediaType, parseBody, pathParam, rawBody, zodDetails, type HttpEvent } from '../shared/http';

const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
const JsonRowsSchema = z
  .object({ rows: z.array(z.object({ row: z.number().int().min(1), fields: z.record(z.string(), z.string().max(4000)) }).strict()).max(MAX_CUSTOMER_ROWS) })
  .strict();

/** The rows of a CSV (header row first) or of the CLI's JSON parts, each with its line number. */
function rowsOf(event: HttpEvent): { row: number; fields: Record<string, string> }[] {
  if (!mediaType(event).startsWith('text/csv')) {
    const parsed = JsonRowsSchema.safeParse(parseBody(event, MAX_IMPORT_BYTES));
    if (!parsed.success) throw validationError('the rows are not valid', zodDetails(parsed.error.issues));
    return parsed.data.rows;
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(rawBody(event, MAX_IMPORT_BYTES), { bom: true, skip_empty_lines: true, info: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    throw new DomainError(400, 'malformed_csv', 'the CSV cannot be read', [{ field: 'body', message: (error as Error).message.slice(0, 200) }]);
  }
  const [header, ...data] = records;
  return data.map(({ record, info }) => ({ row: info.lines, fields: Object.fromEntries((header?.record ?? []).map((column, i) => [column, record[i] ?? ''])) }));
}

/**
 * `POST /admin/customers/import`: CRM profiles (customers with segment, value, contract state and last
 * transaction) as CSV or JSON rows; valid rows upsert, the others come back with their reason.
 * `GET /admin/customers/{customerId}`: the profile, the latest responses and the customer's cases.
 */
export const handler = httpHandler(async (event) => {
  const store = feedbackStore();
  if (event.requestContext.http.method === 'GET') {
    const id = pathParam(event, 'customerId');
    const profile = id.length <= 128 ? await store.getCustomer(id) : undefined;
    const [responseIds, caseIds] = await Promise.all([store.customerTimeline(id, 'RESPONSE', 20), store.customerTimeline(id, 'CASE', 20)]);
    if (!profile && responseIds.length === 0) throw notFound('Customer', 'customerId');
    const [responses, cases] = await Promise.all([
      Promise.all(responseIds.filter(isWellFormedId).map((r) => store.getResponse(r))),
      Promise.all(caseIds.filter(isWellFormedId).map((c) => store.getAlert(c))),
    ]);
    const known = cases.filter((c) => c !== undefined);
    return json(200, {
      customerId: id,
      profile: profile ?? null,
      responses: responses.filter((r) => r !== undefined),
      openCases: known.filter((c) => c.status !== 'resolved'),
      resolvedCases: known.filter((c) => c.status === 'resolved'),
    });
  }
  const now = new Date();
  const rows = rowsOf(event);
  const { profiles, rejected } = customersFromRows(rows, now);
  const phones = phoneStore();
  for (const profile of profiles) {
    await store.putCustomer(profile);
    // Calls and texts from this number are then answered as this customer.
    if (profile.phone) await phones.linkCustomer(profile.phone, profile.customerId);
  }
  return json(200, { received: rows.length, upserted: profiles.length, rejected });
});
