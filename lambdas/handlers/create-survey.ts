import { notFound, validationError } from '../domain/kernel/errors';
import { isWellFormedId, newId } from '../domain/kernel/ids';
import { createSurvey, surveyEtag, withState } from '../domain/surveys/survey';
import { expectedVersionOf, updateSurvey } from '../domain/surveys/survey-edit';
import { NoFields, SurveyInputSchema } from '../domain/surveys/survey-schema';
import { responseStore, surveyStore } from '../shared/dependencies';
import { publicUrl } from '../shared/config';
import { forgetSurvey } from '../shared/survey-cache';
import { header, httpHandler, json, parseBody, pathParam, zodDetails, type HttpEvent } from '../shared/http';

/*
 * The survey definitions' writes (admin only), in one function: create, edit (versioned), archive and unarchive.
 * Ingest sees an edit or archive within 30 seconds (its survey cache); this container at once.
 */


/** `POST /admin/surveys`: 201 with the id and the hosted form's URL. */
async function create(event: HttpEvent) {
  const parsed = SurveyInputSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the survey is not valid', zodDetails(parsed.error.issues));
  const survey = createSurvey(parsed.data, newId(), new Date());
  await surveyStore().putSurvey(survey);
  return json(201, { ...survey, formUrl: `${publicUrl()}/s/${survey.id}` }, { location: `/admin/surveys/${survey.id}`, ...surveyEtag(survey) });
}

/**
 * `PUT /admin/surveys/{surveyId}` with `If-Match: <version>` (the ETag of GET): replaces the definition (the body
 * of `POST /admin/surveys`). 428 without If-Match, 412 when the survey moved on, 400 for a changed question type.
 * A question left out of a survey that has responses is kept, hidden, and the answer says so.
 */
async function replace(event: HttpEvent, surveyId: string) {
  const expected = expectedVersionOf(header(event, 'if-match'));
  const parsed = SurveyInputSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the survey is not valid', zodDetails(parsed.error.issues));
  const edit = await updateSurvey({ surveys: surveyStore(), responses: responseStore() }, surveyId, parsed.data, expected, new Date());
  forgetSurvey(surveyId);
  const notes = edit.hidden.map((id) => `question "${id}" was left out, but the survey has responses: it is kept hidden (asked no more, still in reports); send it with "hidden": false to ask it again`);
  return json(200, { ...withState(edit.survey), hiddenQuestions: edit.hidden, removedQuestions: edit.removed, ...(notes.length && { notes }) }, surveyEtag(edit.survey));
}

/**
 * `POST /admin/surveys/{surveyId}/archive` and `…/unarchive` (no fields): an archived survey takes no answers on
 * any channel (410) and leaves the default listing; both are idempotent and keep responses and reports.
 */
async function setStatus(event: HttpEvent, surveyId: string, status: 'active' | 'archived') {
  if (event.body) {
    const body = NoFields.safeParse(parseBody(event));
    if (!body.success) throw validationError('this action takes no fields', zodDetails(body.error.issues));
  }
  const survey = await surveyStore().setStatus(surveyId, status, new Date());
  if (!survey) throw notFound('Survey', 'surveyId');
  forgetSurvey(surveyId);
  return json(200, withState(survey), surveyEtag(survey));
}

export const handler = httpHandler(async (event) => {
  if (event.routeKey === 'POST /admin/surveys') return create(event);
  const surveyId = pathParam(event, 'surveyId');
  if (!isWellFormedId(surveyId)) throw notFound('Survey', 'surveyId');
  if (event.routeKey.endsWith('/archive')) return setStatus(event, surveyId, 'archived');
  if (event.routeKey.endsWith('/unarchive')) return setStatus(event, surveyId, 'active');
  return replace(event, surveyId);
});
