import { customersFromRows, MAX_CUSTOMER_ROWS, MAX_REJECTIONS_SHOWN, type CustomerImportReport } from '../domain/people/customer-schema';
import { notFound } from '../domain/kernel/errors';
import { rejectedRowCount } from '../domain/intake/offline-import';
import { seesCase, seesResponse } from '../domain/people/roles';
import { isWellFormedId } from '../domain/kernel/ids';
import { callerOf } from '../shared/caller';
import { caseStore, customerStore, phoneStore, responseStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';
import { importRows, MAX_IMPORT_BYTES } from '../shared/import-rows';

/**
 * `POST /admin/customers/import`: CRM profiles (customers with segment, value, contract state and last
 * transaction) as CSV or JSON rows; valid rows upsert, the others come back with their reason.
 * `GET /admin/customers/{customerId}`: the profile, the latest responses and the customer's cases.
 */
export const handler = httpHandler(async (event) => {
  const customers = customerStore();
  if (event.requestContext.http.method === 'GET') {
    const id = pathParam(event, 'customerId');
    const profile = id.length <= 128 ? await customers.getCustomer(id) : undefined;
    const [responseIds, caseIds] = await Promise.all([customers.customerTimeline(id, 'RESPONSE', 20), customers.customerTimeline(id, 'CASE', 20)]);
    if (!profile && responseIds.length === 0) throw notFound('Customer', 'customerId');
    const caller = callerOf(event);
    const [responses, cases] = await Promise.all([
      Promise.all(responseIds.filter(isWellFormedId).map((r) => responseStore().getResponse(r))),
      Promise.all(caseIds.filter(isWellFormedId).map((c) => caseStore().getAlert(c))),
    ]);
    // A manager sees a customer through their scope: the profile only if a response or case of theirs is the customer's.
    const known = cases.filter((c): c is NonNullable<typeof c> => c !== undefined && seesCase(caller, c));
    const visible = responses.filter((r) => r !== undefined && seesResponse(caller, r));
    if (caller.role !== 'admin' && known.length === 0 && visible.length === 0) throw notFound('Customer', 'customerId');
    return json(200, {
      customerId: id,
      profile: profile ?? null,
      responses: visible,
      openCases: known.filter((c) => c.status !== 'resolved'),
      resolvedCases: known.filter((c) => c.status === 'resolved'),
    });
  }
  const now = new Date();
  const { rows, misshapen } = importRows(event, MAX_CUSTOMER_ROWS);
  const { profiles, rejected } = customersFromRows(rows, now);
  const phones = phoneStore();
  const save = async (profile: (typeof profiles)[number]) => {
    await customers.putCustomer(profile);
    // Calls and texts from this number are then answered as this customer.
    if (profile.phone) await phones.linkCustomer(profile.phone, profile.customerId);
  };
  // Profiles are independent writes: a few at a time, so 2,000 rows are not one long series of round trips.
  for (let i = 0; i < profiles.length; i += 16) await Promise.all(profiles.slice(i, i + 16).map(save));
  const all = [...rejected, ...misshapen].sort((a, b) => a.row - b.row);
  const report: CustomerImportReport = { received: rows.length + misshapen.length, upserted: profiles.length, rejected: all.slice(0, MAX_REJECTIONS_SHOWN), rejectedCount: rejectedRowCount(all) };
  return json(200, report);
}, { maxBodyBytes: MAX_IMPORT_BYTES });
