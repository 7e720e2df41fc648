import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { entityOf } from '../adapters/dynamodb/table';
import type { SurveyResponse } from '../domain/surveys/response';
import type { Invitation } from '../domain/outreach/ports';
import type { AlertCase } from '../domain/loop/alerts';
import { logger, metrics, tracer } from './powertools';

/** The entity of a stream image when it is of this type, else undefined. */
function imageOf<T>(record: DynamoDBRecord, which: 'NewImage' | 'OldImage', entity: string): T | undefined {
  const image = record.dynamodb?.[which];
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  return item.entity === entity ? entityOf<T>(item) : undefined;
}

/** A response item from a stream image, or undefined for any other entity. */
export const responseImage = (record: DynamoDBRecord, which: 'NewImage' | 'OldImage') => imageOf<SurveyResponse>(record, which, 'response');

/** A case item from a stream image, or undefined. */
export const caseImage = (record: DynamoDBRecord, which: 'NewImage' | 'OldImage') => imageOf<AlertCase>(record, which, 'alert');

/** An invitation item from a stream image (its opened scores come as a string set), or undefined. */
export const invitationImage = (record: DynamoDBRecord, which: 'NewImage' | 'OldImage') => imageOf<Invitation>(record, which, 'invitation');

/**
 * Stream consumer with partial batch failure reporting: a failing record is retried (and bisected) by the
 * event source mapping while the rest of the batch is checkpointed.
 */
export function streamHandler(handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  // In order, one record at a time: records of one item share a shard, and their order is the item's history
  // (revision 1 must be handled before revision 2). The batch stops at the first failure: the event source
  // mapping retries from that record anyway, so handling later ones now would only reorder them.
  return middy(async (event: DynamoDBStreamEvent, context: Context) => {
    let failed = false;
    const inOrder = async (record: DynamoDBRecord) => {
      if (failed) throw new Error('not attempted: an earlier record of this batch failed');
      try {
        await handleRecord(record);
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    return processPartialResponse(event, inOrder, processor, { context, processInParallel: false });
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/**
 * Stream consumer that handles a whole batch at once (e.g. sums per key across records). A failure fails the
 * batch; the event source mapping retries (and bisects) it, so the handler must be idempotent per record.
 */
export function batchStreamHandler(handleBatch: (records: readonly DynamoDBRecord[]) => Promise<void>) {
  return middy(async (event: DynamoDBStreamEvent) => {
    await handleBatch(event.Records ?? []);
    return { batchItemFailures: [] };
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
