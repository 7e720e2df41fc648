import { responseEventsWanted } from '../shared/destination-list';
import { validationError } from '../domain/kernel/errors';
import { thankYouPage } from '../views/html';
import { WebSubmissionSchema } from '../domain/intake/submission-schema';
import { recordResponse } from '../domain/intake/submissions';
import { responseStore, surveyStore } from '../shared/dependencies';
import { loadCachedSurvey } from '../shared/survey-cache';
import { formAnswers, html, httpHandler, idempotencyKey, isForm, json, parseBody, refuseReservedKeys, zodDetails } from '../shared/http';
import { metrics } from '../shared/powertools';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** `POST /responses`: JSON from any web client, or the hosted form's post. */
export const handler = httpHandler(async (event) => {
  const body = parseBody(event);
  const fromForm = isForm(event);
  const input = fromForm
    ? {
        surveyId: body.surveyId,
        customerId: blankToUndefined(body.customerId),
        touchpoint: blankToUndefined(body.touchpoint),
        answers: formAnswers(body),
      }
    : body;
  // A form field `answers.__proto__` becomes such a key only once folded, and the schema would drop it unseen.
  if (fromForm) refuseReservedKeys(input);
  const parsed = WebSubmissionSchema.safeParse(input);
  if (!parsed.success) throw validationError('the response is not valid', zodDetails(parsed.error.issues));
  const stores = { surveys: surveyStore(), responses: responseStore(), responseEventsWanted };
  // One DynamoDB round trip per answer: the survey comes from the container's cache.
  const { response, outcome, survey } = await recordResponse(
    stores,
    { ...parsed.data, channel: 'web', idempotencyKey: idempotencyKey(event, fromForm ? body.idempotencyKey : undefined) },
    new Date(),
    await loadCachedSurvey(stores.surveys, parsed.data.surveyId),
  );
  if (outcome === 'created') metrics.addMetric('ResponsesReceived', MetricUnit.Count, 1);
  return fromForm ? html(200, thankYouPage(survey)) : json(202, { id: response.id, status: outcome === 'created' ? 'accepted' : 'duplicate' });
});
