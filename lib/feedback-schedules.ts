import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedules, type HandlerName } from '../lambdas/pipeline';

export interface FeedbackSchedulesProps {
  readonly key: kms.IKey;
  readonly functionFor: (name: HandlerName) => lambda.IFunction;
  /** Where invocations that still fail after the retries go. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** EventBridge Scheduler runs each scheduled handler of the pipeline (the sweeper), encrypted with the stack key. */
export class FeedbackSchedules extends Construct {
  readonly schedules = new Map<string, scheduler.Schedule>();

  constructor(scope: Construct, id: string, props: FeedbackSchedulesProps) {
    super(scope, id);
    for (const definition of schedules) {
      const role = new iam.Role(this, `${definition.name}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      });
      // Undeliverable invocations go to the KMS-encrypted dead-letter queue with this role.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
      const schedule = new scheduler.Schedule(this, definition.name, {
        description: `Runs ${definition.handler} every ${definition.everyMinutes} minutes`,
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(definition.everyMinutes)),
        key: props.key,
        target: new LambdaInvoke(props.functionFor(definition.handler), {
          input: scheduler.ScheduleTargetInput.fromObject({}),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(definition.everyMinutes),
          deadLetterQueue: props.deadLetterQueue,
          role,
        }),
      });
      this.schedules.set(definition.name, schedule);
      const fn = props.functionFor(definition.handler);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The scheduler may invoke this one function (its versions and aliases), nothing else',
      });
    }
  }
}
