import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { emailEventHandlers, invocableHandlers, routes, schedules, streamConsumers, type HandlerName } from '../lambdas/pipeline';

/** CloudWatch takes at most 10 metrics in one alarm's metric math. */
const MAX_METRICS_PER_ALARM = 10;

/** Where a failing function shows, for grouping its alarms: the background pipeline, public callers, or admins. */
const concerns = [
  { id: 'Background', label: 'stream consumer, schedule and e-mail event' },
  { id: 'Public', label: 'public, provider webhook and Amazon Connect' },
  { id: 'Admin', label: 'admin API and authorizer' },
] as const;
type Concern = (typeof concerns)[number]['id'];

function concernOf(name: HandlerName): Concern {
  if (streamConsumers.some((c) => c.handler === name) || schedules.some((s) => s.handler === name) || emailEventHandlers.includes(name)) return 'Background';
  if (invocableHandlers.some((i) => i.handler === name) || routes.some((r) => r.handler === name && r.auth !== 'apiKey')) return 'Public';
  return 'Admin';
}

/**
 * The functions in alarm groups: by concern, sorted by handler name, each concern split into as few groups of
 * at most 10 as it needs, of even size. Every function is in exactly one group.
 */
function alarmGroups(names: Iterable<HandlerName>): { id: string; label: string; names: HandlerName[] }[] {
  const all = [...names];
  return concerns.flatMap(({ id, label }) => {
    const members = all.filter((n) => concernOf(n) === id).sort();
    const count = Math.ceil(members.length / MAX_METRICS_PER_ALARM);
    const size = Math.ceil(members.length / Math.max(count, 1));
    return Array.from({ length: count }, (_, i) => ({ id: `${id}${i + 1}`, label, names: members.slice(i * size, (i + 1) * size) }));
  });
}

export interface FeedbackMonitoringProps {
  readonly key: kms.IKey;
  readonly functions: ReadonlyMap<HandlerName, lambda.IFunction>;
  readonly deadLetterQueue: sqs.IQueue;
  readonly api: apigwv2.IHttpApi;
  readonly table: dynamodb.ITable;
  /** The alert topic, whose failed deliveries to subscribers are watched. */
  readonly alertTopic: sns.ITopic;
  /** Subscribed to the operations topic when given. */
  readonly opsEmail?: string;
  /** @default 60 seconds */
  readonly maxIteratorAge?: Duration;
}

/**
 * Alarms on what loses or delays feedback: handler errors and throttles, dead letters, stream lag, the
 * sweeper's backlog, DynamoDB throttling, SES bounce and complaint rates, failed SNS deliveries, API 5xx.
 */
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

    // One alarm per group of functions instead of one per function (the stack stays well under 500 resources):
    // the sum of the group's metrics, missing data as 0, so one error or throttle of any of them alarms. Each
    // metric has its handler's name as id and label, and the description lists them: the graph shows which.
    const groups = alarmGroups(props.functions.keys());
    const groupSum = (names: HandlerName[], metricOf: (fn: lambda.IFunction, name: HandlerName) => cloudwatch.IMetric, label: string) =>
      new cloudwatch.MathExpression({
        expression: 'SUM(FILL(METRICS(), 0))',
        usingMetrics: Object.fromEntries(names.map((name) => [name, metricOf(props.functions.get(name)!, name)])),
        period: Duration.minutes(5),
        label,
      });
    for (const group of groups) {
      alarm(
        `${group.id}Errors`,
        groupSum(group.names, (fn, name) => fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: name }), 'errors'),
        1,
        `One of these ${group.label} functions failed at least once in 5 minutes (the alarm's graph shows which): ${group.names.join(', ')}`,
      );
    }
    alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      1,
      'Stream records, SES events or scheduled runs gave up after retries; inspect and replay the dead-letter queue',
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
    for (const group of groups) {
      alarm(
        `${group.id}Throttles`,
        groupSum(group.names, (fn, name) => fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum', label: name }), 'throttles'),
        1,
        `One of these ${group.label} functions was throttled, raise its concurrency or the account limit (the alarm's graph shows which): ${group.names.join(', ')}`,
      );
    }
    alarm(
      'TableThrottled',
      new cloudwatch.MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { period: Duration.minutes(5), statistic: 'Sum' }),
          writes: props.table.metric('WriteThrottleEvents', { period: Duration.minutes(5), statistic: 'Sum' }),
        },
        period: Duration.minutes(5),
        label: 'throttle events',
      }),
      1,
      'DynamoDB throttled reads or writes of the table',
    );
    const ses = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm('SesBounceRate', ses('Reputation.BounceRate'), 0.05, 'SES bounce rate at 5%: clean the contact lists before SES pauses sending');
    alarm('SesComplaintRate', ses('Reputation.ComplaintRate'), 0.001, 'SES complaint rate at 0.1%: review who is invited and how often');
    alarm(
      'AlertDeliveryFailed',
      props.alertTopic.metricNumberOfNotificationsFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
      'The alert topic failed to deliver to a subscriber',
    );
    const backlog = new cloudwatch.Alarm(this, 'SweeperBacklog', {
      metric: new cloudwatch.Metric({ namespace: 'CxFeedback', metricName: 'PendingResponses', dimensionsMap: { service: 'cx-feedback' }, period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Responses stayed unfinished through three sweeps (see processingFailure on them; npm run cli -- replay)',
    });
    backlog.addAlarmAction(action);
    this.alarms.push(backlog);
    // Items that failed too often step aside for newer work; an operator must look at them.
    for (const [metricName, description] of [
      ['ParkedResponses', 'Responses failed processing too often and are parked: npm run cli -- replay --list shows why, replay --parked retries them'],
      ['ParkedEscalations', 'Escalation notices failed too often and are parked: npm run cli -- replay --list shows why, replay --parked retries them'],
      ['DeliveriesGivenUp', 'A destination did not take an event for a day and a half, or answered 410 and was disabled: cx destinations deliveries ID shows the attempts, cx destinations replay ID sends again'],
    ] as const) {
      const parked = new cloudwatch.Alarm(this, metricName, {
        metric: new cloudwatch.Metric({ namespace: 'CxFeedback', metricName, dimensionsMap: { service: 'cx-feedback' }, period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      parked.addAlarmAction(action);
      this.alarms.push(parked);
    }
  }
}
