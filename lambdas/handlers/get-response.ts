import { notFound } from '../domain/errors';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const response = await feedbackStore().getResponse(pathParam(event, 'responseId'));
  if (!response) throw notFound('Response', 'responseId');
  return json(200, response);
});
