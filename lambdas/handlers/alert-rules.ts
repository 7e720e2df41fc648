import { setAlertRules } from '../domain/loop/alert-rules';
import { AlertRulesRequestSchema } from '../domain/surveys/alert-rules';
import { notFound, validationError } from '../domain/kernel/errors';
import { loadSurvey } from '../domain/intake/submissions';
import { seesSurvey } from '../domain/people/roles';
import { callerOf, outOfScope } from '../shared/caller';
import { surveyStore } from '../shared/dependencies';
import { forgetSurvey } from '../shared/survey-cache';
import { header, httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/**
 * `GET /admin/surveys/{surveyId}/alert-rules` (`?version=N` for an earlier one) and `PUT …` with
 * `{"rules": [...]}` and `If-Match: <version read>`. Consumers see a change within a minute (survey cache).
 */
export const handler = httpHandler(async (event) => {
  const store = surveyStore();
  const caller = callerOf(event);
  const surveyId = pathParam(event, 'surveyId');
  if (!seesSurvey(caller, surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const survey = await loadSurvey(store, surveyId);
  if (event.requestContext.http.method === 'GET') {
    const raw = event.queryStringParameters?.version;
    if (raw === undefined) return json(200, survey.alertRules ?? { surveyId: survey.id, version: 0, rules: [], thresholds: survey.alert });
    const version = Number(raw);
    const found = Number.isInteger(version) && version > 0 ? await store.getAlertRules(survey.id, version) : undefined;
    if (!found) throw notFound('Rule version', 'version');
    return json(200, found);
  }
  const parsed = AlertRulesRequestSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the alert rules are not valid', zodDetails(parsed.error.issues));
  const ifMatch = header(event, 'if-match')?.replace(/"/g, '').trim();
  const expected = ifMatch === undefined || ifMatch === '' ? undefined : Number(ifMatch);
  if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
    throw validationError('If-Match must be the version number of the rules you read', [{ field: 'If-Match', message: 'not a version' }]);
  }
  const set = await setAlertRules(store, survey, parsed.data.rules, expected, `api-key:${caller.keyName}`, new Date());
  forgetSurvey(survey.id);
  return json(200, set, { etag: `"${set.version}"` });
});
