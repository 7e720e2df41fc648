import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { failureOf, processResponse } from '../domain/loop/processing';
import { analyzeResponse, owesAnalysis } from '../domain/loop/comment-analysis';
import type { SurveyResponse } from '../domain/surveys/response';
import { responseStore, surveyStore } from '../shared/dependencies';
import { textReader } from '../shared/text-reader';
import { deliver } from '../shared/destination-deps';
import type { Delivery } from '../domain/destinations/delivery';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { processingDeps } from '../shared/processing-deps';
import { logger, metrics } from '../shared/powertools';
import { caseImage, responseImage, streamHandler } from '../shared/stream';
import { caseChangeEvents } from '../domain/destinations/events';
import { caseUrl } from '../domain/loop/alerting';
import { cachedSurvey } from '../shared/survey-cache';

/**
 * For each new revision of a response that owes processing: the case and its notifications for a bad
 * experience, then the end of its pending state (the scores were written with the answers); then, in a
 * write of its own, the analysis of its free text (sentiment, themes) unless its rules waited for it. A failure is noted on the response and the record is
 * retried; what the stream gives up on stays pending for the sweeper.
 */
export const handler = streamHandler(async (record) => {
  // A delivery written to a destination's outbox: its first attempt (retries come from the sweeper).
  if (record.dynamodb?.Keys?.pk?.S?.startsWith('DELIVERY#')) return deliverRecord(record);
  // A case that changed (acknowledged, resolved, escalated …): its events for the destinations that take them.
  if (record.dynamodb?.Keys?.pk?.S?.startsWith('ALERT#')) return announceCaseChange(record);
  const response = responseImage(record, 'NewImage');
  if (!response) return;
  const settled = !response.pending && response.scores?.revision === response.revision;
  // Free text still to read on a response whose case (if any) is settled: read it now, off the ingest path.
  if (settled && response.analysisOwed) return analyzeSettled(response);
  // Only new answers need work: this consumer's own completion write, or a noted failure, keep the revision.
  if (responseImage(record, 'OldImage')?.revision === response.revision) return;
  // Settled at ingest (or history): stored scored and not pending, nothing to do.
  if (settled) return;
  const survey = await cachedSurvey(surveyStore(), response.surveyId);
  if (!survey) {
    logger.warn('response of an unknown survey left pending', { responseId: response.id, surveyId: response.surveyId });
    return;
  }
  const deps = await processingDeps();
  try {
    const result = await processResponse(deps, survey, response);
    metrics.addMetric('ResponsesScored', MetricUnit.Count, 1);
    if (result.alert !== 'no-alert') logger.info('alert processed', { responseId: response.id, outcome: result.alert });
    if (result.alert === 'opened') metrics.addMetric('AlertsOpened', MetricUnit.Count, 1);
  } catch (error) {
    await deps.responses.recordProcessingFailure(response.id, response.revision, failureOf(error, deps.now, response.processingFailure)).catch(() => undefined);
    throw error;
  }
});

async function analyzeSettled(response: SurveyResponse): Promise<void> {
  const survey = await cachedSurvey(surveyStore(), response.surveyId);
  if (!survey || !owesAnalysis(survey, response)) return;
  const outcome = await analyzeResponse({ reader: textReader(), analyses: responseStore(), now: new Date() }, survey, response);
  if (outcome === 'analyzed') metrics.addMetric('CommentsAnalyzed', MetricUnit.Count, 1);
}

async function deliverRecord(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  await deliver(unmarshall(image as Record<string, AttributeValue>) as Delivery);
}

/**
 * The stream is the case change's outbox: its record is written with the change, and is retried until the
 * events are queued (idempotent: an event's id is the case, its type and the history's length).
 */
async function announceCaseChange(record: DynamoDBRecord): Promise<void> {
  const before = caseImage(record, 'OldImage');
  const after = caseImage(record, 'NewImage');
  if (!before || !after) return;
  const events = caseChangeEvents(before, after);
  if (events.length === 0) return;
  const deps = await processingDeps();
  for (const type of events) await deps.outbox!.enqueueCaseEvent(type, after, caseUrl(deps, after));
}
