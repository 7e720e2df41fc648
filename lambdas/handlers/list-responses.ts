import { DomainError } from '../domain/kernel/errors';
import { seesResponse, seesSurvey } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { callerOf, outOfScope } from '../shared/caller';
import { responseStore, surveyStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest } from '../shared/http';
import type { SurveyResponse } from '../domain/surveys/response';

export const handler = httpHandler(async (event) => {
  const surveyId = event.queryStringParameters?.surveyId;
  if (!surveyId) throw new DomainError(400, 'validation_failed', 'surveyId is required', [{ field: 'surveyId', message: 'is required' }]);
  const caller = callerOf(event);
  if (!seesSurvey(caller, surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const page = pageRequest(event);
  await loadSurvey(surveyStore(), surveyId);
  // A manager scoped to touchpoints sees only those: the page is filled with what they see, and says
  // `filtered` when it had to stop reading before it was full.
  const scoped = caller.role !== 'admin' ? (r: SurveyResponse) => seesResponse(caller, r) : undefined;
  const { items, nextCursor, filtered } = await responseStore().listResponses(surveyId, page, scoped);
  return json(200, { items, ...(nextCursor && { nextCursor }), ...(filtered && { filtered }) });
});
