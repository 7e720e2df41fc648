import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { alertOnResponse } from '../domain/alerting';
import { publicUrl } from '../shared/config';
import { alertPublisher, emailSender, feedbackStore } from '../shared/dependencies';
import { logger, metrics } from '../shared/powertools';
import { cachedSurvey, responseImage, streamHandler } from '../shared/stream';

/** Opens a case and notifies the owner when new answers cross the survey's thresholds. */
export const handler = streamHandler(async (record) => {
  const response = responseImage(record, 'NewImage');
  if (!response) return;
  // Only new answers matter; the scoring consumer's own write (same revision) is not a new experience.
  if (responseImage(record, 'OldImage')?.revision === response.revision) return;
  const survey = await cachedSurvey(feedbackStore(), response.surveyId);
  if (!survey) {
    logger.warn('response of an unknown survey not alerted', { responseId: response.id, surveyId: response.surveyId });
    return;
  }
  const outcome = await alertOnResponse(
    { store: feedbackStore(), email: emailSender(), publisher: alertPublisher(), publicUrl: publicUrl(), now: new Date() },
    survey,
    response,
  );
  if (outcome !== 'no-alert') logger.info('alert processed', { responseId: response.id, outcome });
  if (outcome === 'opened') metrics.addMetric('AlertsOpened', MetricUnit.Count, 1);
});
