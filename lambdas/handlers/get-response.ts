import { notFound } from '../domain/kernel/errors';
import { seesResponse } from '../domain/people/roles';
import { isWellFormedId } from '../domain/kernel/ids';
import { callerOf } from '../shared/caller';
import { responseStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const id = pathParam(event, 'responseId');
  const response = isWellFormedId(id) ? await responseStore().getResponse(id) : undefined;
  // Outside the caller's scope reads as absent: a manager learns nothing of other teams' customers.
  if (!response || !seesResponse(callerOf(event), response)) throw notFound('Response', 'responseId');
  return json(200, response);
});
