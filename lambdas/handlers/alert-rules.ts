import { setThemeSet } from '../domain/comments/themes/theme-sets';
import { taxonomyOf, ThemeSetRequestSchema, type ThemeSet } from '../domain/comments/themes/taxonomy';
import { ruleWarnings, setAlertRules } from '../domain/loop/alert-rules';
import { checkRuleDestinations } from '../domain/destinations/routes';
import { AlertRulesRequestSchema, type AlertRuleSet } from '../domain/surveys/alert-rules';
import type { Survey } from '../domain/surveys/survey';
import { notFound, validationError } from '../domain/kernel/errors';
import { loadSurvey } from '../domain/intake/submissions';
import { seesSurvey } from '../domain/people/roles';
import { callerOf, outOfScope } from '../shared/caller';
import { destinationStore, surveyStore } from '../shared/dependencies';
import { forgetSurvey } from '../shared/survey-cache';
import { header, httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/** A rule set as the API shows it: without rules, with the thresholds that apply instead. */
const viewOf = <T extends Pick<AlertRuleSet, 'rules'>>(set: T, survey: Survey) => (set.rules.length === 0 ? { ...set, thresholds: survey.alert } : set);

/**
 * The survey's versioned settings. `GET /admin/surveys/{surveyId}/alert-rules` (`?version=N` for an earlier one), `PUT …` with
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
  // The survey's other versioned setting, its comment themes, shares this function (one fewer in the stack).
  if (event.rawPath.endsWith('/themes')) return themes(event, survey, `api-key:${caller.keyName}`);
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
  const expected = versionRead(event, 'rules');
  // DELETE stores a version without rules: the survey's thresholds apply again, and the history stays.
  const rules = parsed?.data.rules ?? [];
  await checkRuleDestinations(rules, destinationStore());
  const set = await setAlertRules(store, survey, rules, expected, `api-key:${caller.keyName}`, new Date());
  forgetSurvey(survey.id);
  const warnings = ruleWarnings(survey, rules);
  return json(200, { ...viewOf(set, survey), ...(warnings.length > 0 && { warnings }) }, { etag: `"${set.version}"` });
});

/** The version an `If-Match` names (undefined when absent). */
function versionRead(event: Parameters<typeof header>[0], what: string): number | undefined {
  const ifMatch = header(event, 'if-match')?.replace(/"/g, '').trim();
  if (ifMatch === undefined || ifMatch === '') return undefined;
  const expected = /^\d{1,9}$/.test(ifMatch) ? Number(ifMatch) : Number.NaN;
  if (!Number.isInteger(expected)) {
    throw validationError(`If-Match must be the version number of the ${what} you read`, [{ field: 'If-Match', message: 'not a version' }]);
  }
  return expected;
}

/**
 * `GET /admin/surveys/{surveyId}/themes` (`?version=N` for an earlier one): the survey's theme set and the
 * taxonomy its comments are matched with (`effective`); `PUT …` with `{"mode": "extend" | "replace",
 * "themes": [...]}` and If-Match; `DELETE …` (If-Match) back to the default taxonomy.
 */
async function themes(event: Parameters<typeof header>[0], survey: Survey, by: string) {
  const store = surveyStore();
  const method = event.requestContext.http.method;
  const view = (set: ThemeSet) => ({ ...set, effective: taxonomyOf(set).themes });
  if (method === 'GET') {
    const raw = event.queryStringParameters?.version;
    if (raw === undefined) return json(200, view(survey.themeSet ?? { surveyId: survey.id, version: 0, mode: 'extend', themes: [] }), { etag: `"${survey.themeSet?.version ?? 0}"` });
    const version = Number(raw);
    const found = Number.isInteger(version) && version > 0 ? await store.getThemeSet(survey.id, version) : undefined;
    if (!found) throw notFound('Theme set version', 'version');
    return json(200, view(found));
  }
  const parsed = method === 'DELETE' ? undefined : ThemeSetRequestSchema.safeParse(parseBody(event));
  if (parsed && !parsed.success) throw validationError('the themes are not valid', zodDetails(parsed.error.issues));
  const request = parsed?.data ?? { mode: 'extend' as const, themes: [] };
  const set = await setThemeSet(store, survey.id, survey.themeSet?.version ?? 0, request, versionRead(event, 'themes'), by, new Date());
  forgetSurvey(survey.id);
  return json(200, view(set), { etag: `"${set.version}"` });
}
