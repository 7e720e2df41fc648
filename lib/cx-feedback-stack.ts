import { Annotations, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FeedbackAlerting } from './feedback-alerting';
import { FeedbackApi } from './feedback-api';
import { FeedbackData } from './feedback-data';
import { FeedbackFunctions } from './feedback-functions';
import { FeedbackMonitoring } from './feedback-monitoring';
import { FeedbackProcessing } from './feedback-processing';
import { FeedbackSchedules } from './feedback-schedules';
import * as iam from 'aws-cdk-lib/aws-iam';
import { emailEventHandlers, invocableHandlers, routes, TEXT_ANALYTICS, type TextAnalytics } from '../lambdas/pipeline';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';

export interface CxFeedbackStackProps extends StackProps {
  /** Sender of invitations and alert e-mails (an SES identity you can verify): required, never a placeholder. */
  readonly senderEmail: string;
  /** `senderEmail` (or its domain) is already an SES identity of the account: use it, create none. @default false */
  readonly existingSenderIdentity?: boolean;
  /** Browser origins allowed to post responses cross-origin (`POST /responses`). @default none: no CORS */
  readonly corsOrigins?: readonly string[];
  /** Base URL for links when the API sits behind your own domain. @default the HTTP API's endpoint */
  readonly publicUrl?: string;
  /** Receives operational alarms. @default no subscription */
  readonly opsEmail?: string;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Twilio account SID and sender number for texted surveys (the auth token lives in Secrets Manager). */
  readonly twilio?: { readonly accountSid: string; readonly fromNumber: string };
  /** Amazon Connect instance whose contact flows may invoke the survey function. @default no Connect permission */
  readonly connectInstanceArn?: string;
  /**
   * X-Ray active tracing of every function. Lambda samples the first invocation each second and 5 % of the
   * rest, and cannot be told otherwise: at survey traffic nearly every invocation becomes a trace ($5 per
   * million), more than the rest of the per-response cost (docs/cost.md). @default false
   */
  readonly tracing?: boolean;
  /**
   * Who reads comments (sentiment, language, key phrases): `builtin`, in the function at no extra cost, or
   * `comprehend`, Amazon Comprehend, billed per call (docs/cost.md); only the functions that process responses
   * get its permissions. @default 'builtin'
   */
  readonly textAnalytics?: TextAnalytics;
}

/** Why `textAnalytics` cannot be used, or undefined when it can (unset means `builtin`). */
export function textAnalyticsProblem(textAnalytics: unknown): string | undefined {
  if (textAnalytics === undefined || (TEXT_ANALYTICS as readonly unknown[]).includes(textAnalytics)) return undefined;
  return `textAnalytics "${String(textAnalytics)}" is not one of ${TEXT_ANALYTICS.join(', ')}: deploy with -c textAnalytics=comprehend, or leave it out for the built-in reader`;
}

/** Why `senderEmail` cannot be used (missing, malformed, or the example.com placeholder), or undefined when it can. */
export function senderEmailProblem(senderEmail: string | undefined): string | undefined {
  const hint = 'deploy with -c senderEmail=<an address you can verify in SES>, e.g. -c senderEmail=feedback@yourdomain.com';
  if (!senderEmail) return `senderEmail is required: ${hint}`;
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(senderEmail)) return `senderEmail "${senderEmail}" is not an e-mail address: ${hint}`;
  if (/@example\.(com|org|net)$/i.test(senderEmail)) return `senderEmail "${senderEmail}" is a placeholder (example.com cannot be verified in SES): ${hint}`;
  return undefined;
}

export class CxFeedbackStack extends Stack {
  readonly data: FeedbackData;
  readonly alerting: FeedbackAlerting;
  readonly api: FeedbackApi;
  readonly functions: FeedbackFunctions;
  readonly processing: FeedbackProcessing;
  readonly monitoring: FeedbackMonitoring;
  readonly schedules: FeedbackSchedules;

  constructor(scope: Construct, id: string, props: CxFeedbackStackProps) {
    super(scope, id, props);
    const problem = senderEmailProblem(props.senderEmail);
    if (problem) throw new Error(problem);
    const analyticsProblem = textAnalyticsProblem(props.textAnalytics);
    if (analyticsProblem) throw new Error(analyticsProblem);
    if (!props.opsEmail) {
      Annotations.of(this).addWarningV2('cx:ops-email', 'No opsEmail: operational alarms reach nobody. Deploy with -c opsEmail=ops@yourdomain.com');
    }
    this.data = new FeedbackData(this, 'Data', { deletionProtection: props.deletionProtection });
    this.alerting = new FeedbackAlerting(this, 'Alerting', { key: this.data.key, senderEmail: props.senderEmail, existingIdentity: props.existingSenderIdentity });
    this.api = new FeedbackApi(this, 'Api', { key: this.data.key, corsOrigins: props.corsOrigins });
    this.functions = new FeedbackFunctions(this, 'Functions', { data: this.data, alerting: this.alerting, publicUrl: props.publicUrl ?? this.api.url, twilio: props.twilio, tracing: props.tracing, textAnalytics: props.textAnalytics });
    if (props.connectInstanceArn) {
      for (const { handler, invokedBy } of invocableHandlers) {
        // Only this instance's contact flows may invoke it.
        this.functions.get(handler).addPermission(`${handler}InvokedByConnect`, {
          principal: new iam.ServicePrincipal(invokedBy),
          sourceArn: props.connectInstanceArn,
          sourceAccount: this.account,
        });
      }
    }
    this.api.addRoutes((name) => this.functions.get(name));
    this.processing = new FeedbackProcessing(this, 'Processing', { table: this.data.table, key: this.data.key, functionFor: (name) => this.functions.get(name) });
    const deadLetters = this.processing.deadLetterQueue;
    for (const name of emailEventHandlers) {
      const fn = this.functions.get(name);
      // An SES event SNS cannot deliver, or one the function still fails on after Lambda's own retries, lands
      // with the stream's dead letters (alarmed), instead of vanishing.
      this.alerting.emailEvents.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue: deadLetters }));
      fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(deadLetters) });
    }
    // SNS writes undeliverable events to the encrypted queue, for this account only.
    this.data.key.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('sns.amazonaws.com')], actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    );
    this.schedules = new FeedbackSchedules(this, 'Schedules', {
      key: this.data.key,
      functionFor: (name) => this.functions.get(name),
      deadLetterQueue: this.processing.deadLetterQueue,
    });
    this.monitoring = new FeedbackMonitoring(this, 'Monitoring', {
      key: this.data.key,
      functions: this.functions.functions,
      deadLetterQueue: this.processing.deadLetterQueue,
      api: this.api.api,
      table: this.data.table,
      alertTopic: this.alerting.topic,
      opsEmail: props.opsEmail,
    });

    // Everything README tells an operator to use.
    const output = (outputId: string, value: string, description: string) => new CfnOutput(this, outputId, { value, description });
    output('TableName', this.data.table.tableName, 'DynamoDB table (TABLE_NAME for npm run cli -- keys create)');
    for (const name of Object.keys(this.data.secrets) as (keyof typeof this.data.secrets)[]) {
      output(`${name.replace(/_/g, '')}SecretArn`, this.data.secrets[name].secretArn, `Secrets Manager secret ${name}`);
    }
    output('AlertTopicArn', this.alerting.topic.topicArn, 'SNS topic of alert messages (subscribe integrations here)');
    output('OpsTopicArn', this.monitoring.opsTopic.topicArn, 'SNS topic of operational alarms');
    output('ConnectFunctionName', this.functions.get('connectSurvey').functionName, 'Lambda function for the Amazon Connect contact flow');
    output('SweeperFunctionName', this.functions.get('sweepPending').functionName, 'Sweeper function (npm run cli -- replay --function …)');
    output('EscalationFunctionName', this.functions.get('escalateCases').functionName, 'Escalation function (npm run cli -- replay --list|--parked --escalation-function …)');
    output('AggregatesFunctionName', this.functions.get('aggregateMaintenance').functionName, 'Aggregate verify and rebuild (npm run cli -- aggregates verify|rebuild --function …)');
    output('DeadLetterQueueUrl', this.processing.deadLetterQueue.queueUrl, 'What gave up after retries: pointers to stream records (the sweeper finishes them), SES events, scheduled runs');

    Validations.of(this.data).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'The link-signing key is not rotated automatically: rotation would invalidate every survey link already sent' });
    const publicRoutes = routes.filter((r) => r.auth !== 'apiKey').map((r) => `${r.method} ${r.path}`).join(', ');
    Validations.of(this.api).acknowledge({ id: 'AwsSolutions-APIG4', reason: `Public by design (survey form, responses, e-mail links, provider webhooks): ${publicRoutes}` });
  }
}
