import { DomainError, validationError } from '../domain/kernel/errors';
import { isE164 } from '../domain/kernel/identifiers';
import { PhoneRouteSchema } from '../domain/outreach/phone/routing';
import { loadSurvey } from '../domain/intake/submissions';
import { phoneStore, surveyStore } from '../shared/dependencies';
import { httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/** `PUT /admin/phone-numbers/{phoneNumber}`: calls and texts to this number run the given survey. */
export const handler = httpHandler(async (event) => {
  const phoneNumber = pathParam(event, 'phoneNumber');
  if (!isE164(phoneNumber)) {
    throw new DomainError(400, 'validation_failed', 'phoneNumber must be E.164, e.g. +14155550123 (URL-encode the +)', [{ field: 'phoneNumber', message: 'not E.164' }]);
  }
  const parsed = PhoneRouteSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the route is not valid', zodDetails(parsed.error.issues));
  const survey = await loadSurvey(surveyStore(), parsed.data.surveyId);
  await phoneStore().putRoute({ phoneNumber, surveyId: survey.id });
  return json(200, { phoneNumber, surveyId: survey.id });
});
