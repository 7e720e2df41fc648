import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamConsumers, type HandlerName } from '../lambdas/pipeline';

export interface FeedbackProcessingProps {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly functionFor: (name: HandlerName) => lambda.IFunction;
}

/**
 * The stream consumers of lambdas/pipeline.ts: filtered event source mappings with partial batch failures,
 * bisect on error, bounded retries and record age, and one encrypted dead-letter queue.
 */
export class FeedbackProcessing extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FeedbackProcessingProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'StreamDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the stream consumers' });

    for (const consumer of streamConsumers) {
      props.functionFor(consumer.handler).addEventSource(
        new DynamoEventSource(props.table, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: consumer.batchSize ?? 25,
          maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds ?? 1),
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: consumer.retryAttempts ?? 3,
          maxRecordAge: Duration.seconds(consumer.maxRecordAgeSeconds ?? 3600),
          filters: consumer.filters.map((pattern) => lambda.FilterCriteria.filter(pattern as Record<string, unknown>)),
          onFailure: new SqsDlq(this.deadLetterQueue),
        }),
      );
    }
  }
}
