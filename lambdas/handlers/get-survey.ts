import { loadSurvey } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pathParam } from '../shared/http';

export const handler = httpHandler(async (event) => json(200, await loadSurvey(feedbackStore(), pathParam(event, 'surveyId'))));
