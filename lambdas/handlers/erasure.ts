import { validationError } from '../domain/kernel/errors';
import { eraseCustomer } from '../domain/people/erasure';
import { callerOf } from '../shared/caller';
import { secretValue } from '../shared/secrets';
import { customerStore, erasureStore } from '../shared/dependencies';
import { httpHandler, json, pathParam, zodDetails } from '../shared/http';
import { externalId } from '../domain/kernel/identifier-schemas';

/**
 * `DELETE /admin/customers/{customerId}`: erases the customer (see `eraseCustomer`) and answers the audit
 * record, which says what went; `GET /admin/audit?month=yyyy-mm`: the erasures of a month.
 */
export const handler = httpHandler(async (event) => {
  if (event.requestContext.http.method === 'GET') {
    const month = event.queryStringParameters?.month ?? new Date().toISOString().slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw validationError('month must be yyyy-mm', [{ field: 'month', message: 'yyyy-mm' }]);
    return json(200, { month, items: await erasureStore().listAudit(month) });
  }
  const parsed = externalId(128).safeParse(pathParam(event, 'customerId'));
  if (!parsed.success) throw validationError('customerId is not valid', zodDetails(parsed.error.issues, 'customerId'));
  const customerId = parsed.data;
  const audit = await eraseCustomer({ customers: customerStore(), erasure: erasureStore(), tokenSecret: await secretValue('TOKEN_SECRET') }, customerId, `api-key:${callerOf(event).keyName}`, new Date());
  return json(200, audit);
});
