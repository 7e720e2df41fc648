import { randomUUID } from 'node:crypto';
import { closedSurveyPage, surveyForm } from '../views/html';
import { askedQuestions, isArchived } from '../domain/surveys/survey';
import { loadSurvey } from '../domain/intake/submissions';
import { publicUrl } from '../shared/config';
import { surveyStore } from '../shared/dependencies';
import { html, httpHandler, pathParam } from '../shared/http';

/** The hosted form: plain HTML that posts to `/responses`, so it works without JavaScript. */
export const handler = httpHandler(async (event) => {
  const survey = await loadSurvey(surveyStore(), pathParam(event, 'surveyId'));
  // An archived survey's link (printed, e-mailed, bookmarked) says so, in words a respondent reads.
  if (isArchived(survey)) return html(410, closedSurveyPage(survey));
  const query = event.queryStringParameters ?? {};
  return html(
    200,
    surveyForm(survey, {
      action: `${publicUrl()}/responses`,
      // A fresh key per rendered form: a double-click or re-post of the same form stores one response.
      hidden: { surveyId: survey.id, idempotencyKey: randomUUID(), customerId: query.customerId, touchpoint: query.touchpoint },
      questions: askedQuestions(survey),
    }),
  );
});
