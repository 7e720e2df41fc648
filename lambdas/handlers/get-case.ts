import { notFound } from '../domain/errors';
import { isWellFormedId } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

/** `GET /admin/cases/{caseId}`: the case with its history, and the response it was opened for. */
export const handler = httpHandler(async (event) => {
  const id = pathParam(event, 'caseId');
  const store = feedbackStore();
  const kase = isWellFormedId(id) ? await store.getAlert(id) : undefined;
  if (!kase) throw notFound('Case', 'caseId');
  return json(200, { ...kase, response: (await store.getResponse(kase.responseId)) ?? null });
});
