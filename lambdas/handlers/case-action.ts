import { actOnCase } from '../domain/loop/cases';
import { CaseActionSchema } from '../domain/loop/case-requests';
import { notFound, validationError } from '../domain/kernel/errors';
import { seesCase } from '../domain/people/roles';
import { isWellFormedId } from '../domain/kernel/ids';
import { callerOf } from '../shared/caller';
import { caseStore } from '../shared/dependencies';
import { httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/**
 * `POST /admin/cases/{caseId}/actions`: acknowledge, note, assign, resolve or reopen. The event names the
 * API key that acted; an action the case's status does not allow answers 409.
 */
export const handler = httpHandler(async (event) => {
  const id = pathParam(event, 'caseId');
  if (!isWellFormedId(id)) throw notFound('Case', 'caseId');
  const parsed = CaseActionSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the action is not valid', zodDetails(parsed.error.issues));
  const caller = callerOf(event);
  const cases = caseStore();
  // A manager acts on the cases of their scope only; others read as absent.
  if (caller.role !== 'admin') {
    const current = await cases.getAlert(id);
    if (!current || !seesCase(caller, current)) throw notFound('Case', 'caseId');
  }
  const kase = await actOnCase({ cases, now: new Date() }, id, parsed.data, `api-key:${caller.keyName}`);
  return json(200, kase);
});
