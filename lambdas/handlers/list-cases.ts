import { validationError } from '../domain/kernel/errors';
import { CaseQuerySchema } from '../domain/loop/case-requests';
import { caseScopeOf } from '../domain/people/roles';
import { callerOf } from '../shared/caller';
import { caseStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest, zodDetails } from '../shared/http';

/** How far back a listing may reach, like the reports' ranges. */
const MAX_CASE_WINDOW_DAYS = 400;

export const handler = httpHandler(async (event) => {
  const page = pageRequest(event);
  const parsed = CaseQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('the case filter is not valid', zodDetails(parsed.error.issues));
  const { order, since, ...filter } = parsed.data;
  const now = new Date();
  const window = since ? new Date(`${since}T00:00:00Z`) : new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1));
  if (window > now) throw validationError('since must not be in the future', [{ field: 'since', message: 'in the future' }]);
  // Cases are listed month by month: an unbounded window would read one empty partition per month since then.
  if (now.getTime() - window.getTime() > MAX_CASE_WINDOW_DAYS * 86_400_000) {
    throw validationError(`since may reach back at most ${MAX_CASE_WINDOW_DAYS} days`, [{ field: 'since', message: `at most ${MAX_CASE_WINDOW_DAYS} days ago` }]);
  }
  const scope = caseScopeOf(callerOf(event));
  return json(200, await caseStore().listCases(filter, { ...page, order, since: window, now, ...(scope && { scope }) }));
});
