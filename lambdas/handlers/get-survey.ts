import { validationError } from '../domain/kernel/errors';
import { listSurveySummaries } from '../domain/insight/survey-list';
import { seesSurvey } from '../domain/people/roles';
import { loadSurvey } from '../domain/intake/submissions';
import { surveyEtag, withState } from '../domain/surveys/survey';
import { describeDigest, withCurrentDefaults } from '../domain/surveys/survey-schema';
import { callerOf, outOfScope } from '../shared/caller';
import { aggregateStore, responseStore, surveyStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest, pathParam, type HttpEvent } from '../shared/http';

/* The survey definitions' reads (every role; a manager scoped to surveys sees those), in one read-only function. */

/**
 * `GET /admin/surveys` (`?include=archived`, `limit`, `cursor`): surveys newest first, each with its status,
 * version, response count and last answer.
 */
async function list(event: HttpEvent) {
  const include = event.queryStringParameters?.include;
  if (include !== undefined && include !== 'archived') throw validationError('include may only be "archived"', [{ field: 'include', message: 'use include=archived, or leave it out' }]);
  const page = await listSurveySummaries({ surveys: surveyStore(), aggregates: aggregateStore(), responses: responseStore() }, callerOf(event), {
    includeArchived: include === 'archived',
    page: pageRequest(event),
  });
  return json(200, page);
}

/**
 * `GET /admin/surveys/{surveyId}`: the survey (a survey stored before newer settings with their defaults), its
 * version also as the ETag a `PUT` sends back in If-Match.
 */
async function one(event: HttpEvent) {
  const surveyId = pathParam(event, 'surveyId');
  if (!seesSurvey(callerOf(event), surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const survey = await loadSurvey(surveyStore(), surveyId);
  return json(200, { ...withState(withCurrentDefaults(survey)), digestSummary: describeDigest(survey) }, surveyEtag(survey));
}

export const handler = httpHandler((event) => (event.routeKey === 'GET /admin/surveys' ? list(event) : one(event)));
