import { notFound } from '../domain/kernel/errors';
import { seesCase } from '../domain/people/roles';
import { isWellFormedId } from '../domain/kernel/ids';
import { callerOf } from '../shared/caller';
import { caseStore, responseStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

/** `GET /admin/cases/{caseId}`: the case with its history, and the response it was opened for. */
export const handler = httpHandler(async (event) => {
  const id = pathParam(event, 'caseId');
  const kase = isWellFormedId(id) ? await caseStore().getAlert(id) : undefined;
  if (!kase || !seesCase(callerOf(event), kase)) throw notFound('Case', 'caseId');
  return json(200, { ...kase, response: (await responseStore().getResponse(kase.responseId)) ?? null });
});
