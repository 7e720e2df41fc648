import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { aliasArgs, BUNDLING, NODE_OPTIONS } from './bundling';
import type { FeedbackAlerting } from './feedback-alerting';
import type { FeedbackData } from './feedback-data';
import { env, handlers, handlersInUse, streamConsumers, type HandlerAccess, type HandlerDefinition, type HandlerName, type TableAccess, type TextAnalytics } from '../lambdas/pipeline';

/** What the Amazon Comprehend reader calls (lambdas/adapters/comprehend-reader.ts), nothing more. */
export const COMPREHEND_ACTIONS = ['comprehend:DetectDominantLanguage', 'comprehend:DetectSentiment', 'comprehend:DetectKeyPhrases'] as const;

const ROOT = join(__dirname, '..');


export interface FeedbackFunctionsProps {
  readonly data: FeedbackData;
  readonly alerting: FeedbackAlerting;
  /** Base URL for links in e-mails and pages. */
  readonly publicUrl: string;
  /** Twilio account and sender number, for the handlers that send SMS. @default SMS sending answers 409 "not configured" */
  readonly twilio?: { readonly accountSid: string; readonly fromNumber: string };
  /** X-Ray active tracing (see CxFeedbackStackProps.tracing). @default false */
  readonly tracing?: boolean;
  /** Who reads comments, for the handlers that do (see CxFeedbackStackProps.textAnalytics). @default 'builtin' */
  readonly textAnalytics?: TextAnalytics;
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

    const access: HandlerAccess = definition.access;
    const secretNames = access.secrets ?? [];
    const comprehend = Boolean(access.readsComments) && props.textAnalytics === 'comprehend';
    const fn = new NodejsFunction(this, name, {
      entry: join(ROOT, definition.entry),
      handler: 'handler',
      description: definition.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb ?? 256,
      timeout: Duration.seconds(definition.timeoutSeconds ?? 10),
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      role,
      logGroup,
      // The handlers log JSON through Powertools; Lambda's own START, END and REPORT lines (INFO) are left
      // out: they were most of the log volume, and Duration, Errors and Throttles come as metrics anyway.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      bundling: { ...BUNDLING, mainFields: [...BUNDLING.mainFields], externalModules: [...BUNDLING.externalModules], esbuildArgs: aliasArgs({ tracing: props.tracing }) },
      // Only the variables this handler reads.
      environment: {
        NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: 'cx-feedback',
        POWERTOOLS_METRICS_NAMESPACE: 'CxFeedback',
        // Without active tracing there is no segment to add to: the Tracer stays quiet.
        ...(!props.tracing && { POWERTOOLS_TRACE_ENABLED: 'false' }),
        ...(access.table && { [env.tableName]: data.table.tableName }),
        ...(access.publishAlerts && { [env.alertTopicArn]: alerting.topic.topicArn }),
        ...(access.sendEmail && { [env.senderEmail]: alerting.senderEmail }),
        ...(access.emailEvents && { [env.emailConfigurationSet]: alerting.configurationSet.configurationSetName }),
        ...(access.links && { [env.publicUrl]: props.publicUrl }),
        ...Object.fromEntries(secretNames.map((s) => [`${s}${env.secretArnSuffix}`, data.secrets[s].secretArn])),
        ...(access.sendSms && props.twilio && { [env.twilioAccountSid]: props.twilio.accountSid, [env.twilioFromNumber]: props.twilio.fromNumber }),
        ...(comprehend && { [env.textAnalytics]: 'comprehend' }),
      },
    });

    if (access.table) this.grantTable(role, access.table, data);
    if (access.sendEmail) alerting.grantSendEmail(role);
    if (access.emailEvents) alerting.grantConfigurationSet(role);
    if (access.publishAlerts) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [alerting.topic.topicArn] }));
      this.grantKey(role, data, 'sns', ['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
    for (const secret of secretNames) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [data.secrets[secret].secretArn] }));
    }
    if (secretNames.length) this.grantKey(role, data, 'secretsmanager', ['kms:Decrypt']);
    if (comprehend) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...COMPREHEND_ACTIONS], resources: ['*'] }));

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const acknowledge = (finding: string, reason: string) => Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
      const anyResource = [
        props.tracing ? 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions'
          : streamConsumers.some((c) => c.handler === name) ? 'dynamodb:ListStreams, which the stream trigger needs, supports no resource-level permissions' : undefined,
        comprehend ? 'comprehend:DetectDominantLanguage/DetectSentiment/DetectKeyPhrases (built-in models) support no resource-level permissions' : undefined,
      ].filter(Boolean);
      if (anyResource.length) acknowledge('Resource::*', anyResource.join('; '));
      if (access.sendEmail) {
        acknowledge('Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*', 'SES checks the recipient identity in the sandbox; ses:FromAddress pins the sender address');
      }
      acknowledge('Action::kms:GenerateDataKey*', 'On the stack\'s own key only, through the one service named in kms:ViaService');
      acknowledge('Action::kms:ReEncrypt*', 'On the stack\'s own key only, through DynamoDB (kms:ViaService)');
    }
    return fn;
  }

  /**
   * Item actions on the declared key prefixes only (`dynamodb:LeadingKeys`), Query on the declared index
   * partitions only. For a Query on an index, the partition-key value in the request is the index's
   * partition key, so LeadingKeys scopes it to index partitions (`PENDING#*`), not to item prefixes.
   * TransactWriteItems needs no action of its own: each Put/Update in it is checked as PutItem/UpdateItem.
   */
  private grantTable(role: iam.IRole, table: TableAccess, data: FeedbackData) {
    const onPrefixes = (prefixes: readonly string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } });
    const allow = (actions: string[], resource: string, prefixes: readonly string[]) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [resource], conditions: onPrefixes(prefixes) }));
    if (table.read?.length) allow(['dynamodb:GetItem'], data.table.tableArn, table.read);
    if (table.write?.length) allow(['dynamodb:PutItem', 'dynamodb:UpdateItem'], data.table.tableArn, table.write);
    if (table.delete?.length) allow(['dynamodb:DeleteItem'], data.table.tableArn, table.delete);
    if (table.check?.length) allow(['dynamodb:ConditionCheckItem'], data.table.tableArn, table.check);
    if (table.queryItems?.length) allow(['dynamodb:Query'], data.table.tableArn, table.queryItems);
    for (const [index, partitions] of Object.entries(table.query ?? {}) as [string, readonly string[]][]) {
      if (partitions.length) allow(['dynamodb:Query'], `${data.table.tableArn}/index/${index}`, partitions);
    }
    this.grantKey(role, data, 'dynamodb', table.write?.length || table.delete?.length ? ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : ['kms:Decrypt']);
  }

  /** The stack key, used only through the named service. */
  private grantKey(role: iam.IRole, data: FeedbackData, service: string, actions: string[]) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions,
        resources: [data.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
