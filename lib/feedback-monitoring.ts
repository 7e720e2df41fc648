import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamConsumers, type HandlerName } from '../lambdas/pipeline';

export interface FeedbackMonitoringProps {
  readonly key: kms.IKey;
  readonly functions: ReadonlyMap<HandlerName, lambda.IFunction>;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigwv2.IHttpApi;
  /** Subscribed to the operations topic when given. */
  readonly opsEmail?: string;
  /** @default 60 seconds */
  readonly maxIteratorAge?: Duration;
}

/** Alarms on what loses or delays feedback: handler errors, dead letters, stream lag, API 5xx. */
export class FeedbackMonitoring extends Construct {
  readonly opsTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: FeedbackMonitoringProps) {
    super(scope, id);
    this.opsTopic = new sns.Topic(this, 'OpsTopic', { displayName: 'CX feedback operations', masterKey: props.key, enforceSSL: true });
    if (props.opsEmail) this.opsTopic.addSubscription(new subscriptions.EmailSubscription(props.opsEmail));
    const action = new SnsAction(this.opsTopic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    for (const [name, fn] of props.functions) {
      alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, `${name} failed at least once in 5 minutes`);
    }
    alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      1,
      'Stream records gave up after retries; inspect and replay the dead-letter queue',
    );
    const maxAge = props.maxIteratorAge ?? Duration.seconds(60);
    for (const consumer of streamConsumers) {
      const fn = props.functions.get(consumer.handler)!;
      alarm(
        `${consumer.name}IteratorAge`,
        fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        maxAge.toMilliseconds(),
        `${consumer.name} consumer lags the stream by over ${maxAge.toSeconds()} s: alerts are delayed`,
      );
    }
    alarm('Api5xx', props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), 5, 'API answered 5xx five times in 5 minutes');
  }
}
