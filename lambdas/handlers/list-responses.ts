import { DomainError } from '../domain/kernel/errors';
import { seesResponse, seesSurvey } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { callerOf, outOfScope } from '../shared/caller';
import { responseStore, surveyStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const surveyId = event.queryStringParameters?.surveyId;
  if (!surveyId) throw new DomainError(400, 'validation_failed', 'surveyId is required', [{ field: 'surveyId', message: 'is required' }]);
  const caller = callerOf(event);
  if (!seesSurvey(caller, surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const page = pageRequest(event);
  await loadSurvey(surveyStore(), surveyId);
  const { items, nextCursor } = await responseStore().listResponses(surveyId, page);
  // A manager scoped to touchpoints sees only those; a page may then hold fewer items, the cursor still goes on.
  return json(200, { items: items.filter((r) => seesResponse(caller, r)), ...(nextCursor && { nextCursor }) });
});
