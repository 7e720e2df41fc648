import { validationError } from '../domain/kernel/errors';
import { newId } from '../domain/kernel/ids';
import { createSurvey } from '../domain/surveys/survey';
import { SurveyInputSchema } from '../domain/surveys/survey-schema';
import { surveyStore } from '../shared/dependencies';
import { publicUrl } from '../shared/config';
import { httpHandler, json, parseBody, zodDetails } from '../shared/http';

export const handler = httpHandler(async (event) => {
  const parsed = SurveyInputSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the survey is not valid', zodDetails(parsed.error.issues));
  const survey = createSurvey(parsed.data, newId(), new Date());
  await surveyStore().putSurvey(survey);
  return json(201, { ...survey, formUrl: `${publicUrl()}/s/${survey.id}` }, { location: `/admin/surveys/${survey.id}` });
});
