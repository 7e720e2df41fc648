import { actOnCase, CaseActionSchema } from '../domain/cases';
import { notFound, validationError } from '../domain/errors';
import { isWellFormedId } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
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
  const keyName = (event.requestContext as { authorizer?: { lambda?: { keyName?: string } } }).authorizer?.lambda?.keyName;
  const kase = await actOnCase({ store: feedbackStore(), now: new Date() }, id, parsed.data, `api-key:${keyName ?? 'unknown'}`);
  return json(200, kase);
});
