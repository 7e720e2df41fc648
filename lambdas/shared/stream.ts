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
import { table } from '../pipeline';

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
 * Records of a batch handled at the same time, at most: each may send an e-mail and publish, and a provider's
 * rate limit (SES allows 14 a second to a new account) should meet a few at once, not a whole batch.
 */
export const RECORDS_AT_ONCE = 10;

/** Runs at most `size` of the given tasks at a time, in the order they asked. */
function slots(size: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** The partition a stream record's item lives in (its partition key's value). */
const partitionOf = (record: DynamoDBRecord) => JSON.stringify(record.dynamodb?.Keys?.[table.partitionKey] ?? null);

/**
 * Stream consumer with partial batch failure reporting: a failing record is retried (and bisected) by the
 * event source mapping while the rest of the batch is checkpointed.
 *
 * Records of one partition key in order, partitions side by side, as Lambda's parallelization factor keeps
 * them: an item's records are its history (revision 1 must be handled before revision 2), and a partition
 * may be a queue (a destination's deliveries, `DELIVERY#<destination>`, go out in the order they were
 * queued). So a record waits for the one before it in its partition, and after a failure the partition's later
 * records are not attempted (reported failed, so retried after it). Other partitions are independent, as across
 * shards in AWS, so a batch takes as long as its slowest partition, not the sum of all. The event source mapping
 * retries from the first reported failure, so other partitions' records after it that did succeed are handled
 * again: the handler is idempotent per record, as it must be for retries.
 */
export function streamHandler(handleRecord: (record: DynamoDBRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return middy(async (event: DynamoDBStreamEvent, context: Context) => {
    const latestOf = new Map<string, Promise<void>>();
    const slot = slots(RECORDS_AT_ONCE);
    const afterItsPredecessor = (record: DynamoDBRecord) => {
      const partition = partitionOf(record);
      const handled = (latestOf.get(partition) ?? Promise.resolve()).then(
        () => slot(() => handleRecord(record)),
        () => Promise.reject(new Error('not attempted: an earlier record of its partition failed')),
      );
      latestOf.set(partition, handled);
      return handled;
    };
    return processPartialResponse(event, afterItsPredecessor, processor, { context, processInParallel: true });
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
