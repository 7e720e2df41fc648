import { seesSurvey } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { callerOf, outOfScope } from '../shared/caller';
import { surveyStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const surveyId = pathParam(event, 'surveyId');
  if (!seesSurvey(callerOf(event), surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  return json(200, await loadSurvey(surveyStore(), surveyId));
});
