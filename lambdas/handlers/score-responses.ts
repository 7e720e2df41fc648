import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { scoreResponse } from '../domain/scoring';
import { feedbackStore } from '../shared/dependencies';
import { logger, metrics } from '../shared/powertools';
import { cachedSurvey, responseImage, streamHandler } from '../shared/stream';

/** Enriches each new or changed response with its scores; already-scored revisions are skipped. */
export const handler = streamHandler(async (record) => {
  const response = responseImage(record, 'NewImage');
  if (!response || response.scores?.revision === response.revision) return;
  const survey = await cachedSurvey(feedbackStore(), response.surveyId);
  if (!survey) {
    logger.warn('response of an unknown survey left unscored', { responseId: response.id, surveyId: response.surveyId });
    return;
  }
  const scores = scoreResponse(survey, response.answers, response.revision);
  if (await feedbackStore().saveScores(response.id, scores)) {
    metrics.addMetric('ResponsesScored', MetricUnit.Count, 1);
    if (scores.nps) metrics.addMetric(`Nps${scores.nps.category[0].toUpperCase()}${scores.nps.category.slice(1)}s`, MetricUnit.Count, 1);
  }
});
