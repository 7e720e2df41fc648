import { notFound } from '../domain/errors';
import { isWellFormedId } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const id = pathParam(event, 'responseId');
  const response = isWellFormedId(id) ? await feedbackStore().getResponse(id) : undefined;
  if (!response) throw notFound('Response', 'responseId');
  return json(200, response);
});
