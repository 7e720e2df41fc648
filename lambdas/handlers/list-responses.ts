import { DomainError } from '../domain/errors';
import { loadSurvey } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const surveyId = event.queryStringParameters?.surveyId;
  if (!surveyId) throw new DomainError(400, 'validation_failed', 'surveyId is required', [{ field: 'surveyId', message: 'is required' }]);
  const page = pageRequest(event);
  await loadSurvey(feedbackStore(), surveyId);
  return json(200, await feedbackStore().listResponses(surveyId, page));
});
