import { ruleWarnings, setAlertRules } from '../domain/loop/alert-rules';
import { AlertRulesRequestSchema, type AlertRuleSet } from '../domain/surveys/alert-rules';
import type { Survey } from '../domain/surveys/survey';
import { notFound, validationError } from '../domain/kernel/errors';
import { loadSurvey } from '../domain/intake/submissions';
import { seesSurvey } from '../domain/people/roles';
import { callerOf, outOfScope } from '../shared/caller';
import { surveyStore } from '../shared/dependencies';
import { forgetSurvey } from '../shared/survey-cache';
import { header, httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/** A rule set as the API shows it: without rules, with the thresholds that apply instead. */
const viewOf = <T extends Pick<AlertRuleSet, 'rules'>>(set: T, survey: Survey) => (set.rules.length === 0 ? { ...set, thresholds: survey.alert } : set);

/**
 * `GET /admin/surveys/{surveyId}/alert-rules` (`?version=N` for an earlier one), `PUT …` with
 * `{"rules": [...]}` and `If-Match: <version read>` (answered with `warnings` when the rules would leave an
 * NPS 0 answer without a case), and `DELETE …` (If-Match too) back to the survey's thresholds. Consumers see
 * a change within a minute (survey cache).
 */
export const handler = httpHandler(async (event) => {
  const store = surveyStore();
  const caller = callerOf(event);
  const surveyId = pathParam(event, 'surveyId');
  if (!seesSurvey(caller, surveyId)) throw outOfScope('surveyId', `survey ${surveyId}`);
  const survey = await loadSurvey(store, surveyId);
  if (event.requestContext.http.method === 'GET') {
    const raw = event.queryStringParameters?.version;
    if (raw === undefined) return json(200, viewOf(survey.alertRules ?? { surveyId: survey.id, version: 0, rules: [] }, survey));
    const version = Number(raw);
    const found = Number.isInteger(version) && version > 0 ? await store.getAlertRules(survey.id, version) : undefined;
    if (!found) throw notFound('Rule version', 'version');
    return json(200, viewOf(found, survey));
  }
  const deleting = event.requestContext.http.method === 'DELETE';
  const parsed = deleting ? undefined : AlertRulesRequestSchema.safeParse(parseBody(event));
  if (parsed && !parsed.success) throw validationError('the alert rules are not valid', zodDetails(parsed.error.issues));
  const ifMatch = header(event, 'if-match')?.replace(/"/g, '').trim();
  const expected = ifMatch === undefined || ifMatch === '' ? undefined : Number(ifMatch);
  if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
    throw validationError('If-Match must be the version number of the rules you read', [{ field: 'If-Match', message: 'not a version' }]);
  }
  // DELETE stores a version without rules: the survey's thresholds apply again, and the history stays.
  const rules = parsed?.data.rules ?? [];
  const set = await setAlertRules(store, survey, rules, expected, `api-key:${caller.keyName}`, new Date());
  forgetSurvey(survey.id);
  const warnings = ruleWarnings(survey, rules);
  return json(200, { ...viewOf(set, survey), ...(warnings.length > 0 && { warnings }) }, { etag: `"${set.version}"` });
});
