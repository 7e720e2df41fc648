import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { FeedbackAlerting } from './feedback-alerting';
import type { FeedbackData } from './feedback-data';
import { env, handlers, handlersInUse, type HandlerDefinition, type HandlerName } from '../lambdas/pipeline';

const ROOT = join(__dirname, '..');

/** esbuild options shared with `npm run bench`, so measured bundle sizes are the deployed ones. */
export const BUNDLING = {
  minify: true,
  sourceMap: true,
  target: 'node24',
  format: OutputFormat.CJS,
  // The Node.js runtime provides the AWS SDK v3.
  externalModules: ['@aws-sdk/*'],
} as const;

export interface FeedbackFunctionsProps {
  readonly data: FeedbackData;
  readonly alerting: FeedbackAlerting;
  /** Base URL for links in e-mails and pages. */
  readonly publicUrl: string;
  /** Twilio account and sender number, for the handlers that send SMS. @default SMS sending answers 409 "not configured" */
  readonly twilio?: { readonly accountSid: string; readonly fromNumber: string };
}

/**
 * One function per handler in lambdas/pipeline.ts, each with its own role holding exactly what its `access`
 * declares: no table access unless listed, read-only where it only reads, SES/SNS/secrets only when named.
 */
export class FeedbackFunctions extends Construct {
  readonly functions = new Map<HandlerName, NodejsFunction>();

  constructor(scope: Construct, id: string, props: FeedbackFunctionsProps) {
    super(scope, id);
    for (const name of handlersInUse()) this.functions.set(name, this.create(name, handlers[name], props));
  }

  get(name: HandlerName): NodejsFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`no function for handler ${name}`);
    return fn;
  }

  private create(name: HandlerName, definition: HandlerDefinition, props: FeedbackFunctionsProps): NodejsFunction {
    const { data, alerting } = props;
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: data.key });
    // An explicit role instead of the managed basic-execution policy: logs to its own group only.
    const role = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    const secretNames = definition.access.secrets ?? [];
    const fn = new NodejsFunction(this, name, {
      entry: join(ROOT, definition.entry),
      handler: 'handler',
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb ?? 256,
      timeout: Duration.seconds(definition.timeoutSeconds ?? 10),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      bundling: { ...BUNDLING, externalModules: [...BUNDLING.externalModules] },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'cx-feedback',
        POWERTOOLS_METRICS_NAMESPACE: 'CxFeedback',
        [env.tableName]: data.table.tableName,
        [env.alertTopicArn]: alerting.topic.topicArn,
        [env.senderEmail]: alerting.senderEmail,
        [env.publicUrl]: props.publicUrl,
        ...Object.fromEntries(secretNames.map((s) => [`${s}${env.secretArnSuffix}`, data.secrets[s].secretArn])),
        ...(definition.access.sendSms && props.twilio && { [env.twilioAccountSid]: props.twilio.accountSid, [env.twilioFromNumber]: props.twilio.fromNumber }),
      },
    });

    if (definition.access.table === 'read') data.table.grantReadData(fn);
    if (definition.access.table === 'readWrite') data.table.grantReadWriteData(fn);
    if (definition.access.sendEmail) alerting.grantSendEmail(fn);
    if (definition.access.publishAlerts) alerting.topic.grantPublish(fn);
    for (const secret of secretNames) data.secrets[secret].grantRead(fn);

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const acknowledge = (finding: string, reason: string) => Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
      acknowledge('Resource::*', 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions');
      if (definition.access.table) {
        const tableId = Stack.of(this).getLogicalId(data.table.node.defaultChild as CfnElement);
        acknowledge(`Resource::<${tableId}.Arn>/index/*`, 'Queries the table\'s own GSIs only');
      }
      acknowledge('Action::kms:GenerateDataKey*', 'Granted by CDK grant methods on the stack\'s own key only');
      acknowledge('Action::kms:ReEncrypt*', 'Granted by CDK grant methods on the stack\'s own key only');
    }
    return fn;
  }
}
