import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CxFeedbackStack } from '../../lib/cx-feedback-stack';
import { handlers, handlersInUse, routes, streamConsumers, type HandlerName } from '../../lambdas/pipeline';

/** Skipping esbuild keeps these tests about the template; bundling itself is exercised by `cdk synth`. */
const newApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

function synthesize(props: Partial<ConstructorParameters<typeof CxFeedbackStack>[2]> = {}) {
  const app = newApp();
  const stack = new CxFeedbackStack(app, 'Test', { senderEmail: 'feedback@shop.example.org', ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

const { stack, template } = synthesize({ opsEmail: 'ops@shop.example.org' });
const resources = (type: string) => template.findResources(type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
/** Every IAM statement attached to a handler's role. */
function statementsOf(name: HandlerName): Statement[] {
  const fn = stack.functions.get(name);
  const roleId = stack.getLogicalId(fn.role!.node.defaultChild as never);
  return Object.values(resources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (name: HandlerName) => statementsOf(name).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('data', () => {
  it('encrypts the table with the customer-managed key, with PITR, a NEW_AND_OLD_IMAGES stream and TTL, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.data.key), 'Arn'] } },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('generates the link-signing secret in Secrets Manager, encrypted with the key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.data.key), 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});

describe('API', () => {
  it('has every route of the pipeline, admin routes behind the API-key authorizer and the rest public', () => {
    const declared = Object.values(resources('AWS::ApiGatewayV2::Route')).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']);
    expect(declared.sort()).toEqual(routes.map((r) => [`${r.method} ${r.path}`, r.auth === 'apiKey' ? 'CUSTOM' : 'NONE']).sort());
  });

  it('uses a simple-response Lambda authorizer without caching, so either key header works', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('logs access to an encrypted log group and throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
    });
  });
});

describe('functions', () => {
  it('creates one Node.js 24 arm64 traced function per handler in use', () => {
    const functions = Object.values(resources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(handlersInUse().length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
      expect(fn.Properties.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: expect.anything() });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
  });

  it('links to the API endpoint and passes secrets by ARN only, to the handlers that read them', () => {
    for (const name of handlersInUse()) {
      const vars = template.toJSON().Resources[logicalId(stack.functions.get(name))].Properties.Environment.Variables;
      expect(JSON.stringify(vars.PUBLIC_URL)).toContain(logicalId(stack.api.api));
      const reads = ((handlers[name].access as { secrets?: readonly string[] }).secrets ?? []).includes('TOKEN_SECRET');
      expect('TOKEN_SECRET_SECRET_ARN' in vars).toBe(reads);
      expect('TOKEN_SECRET' in vars).toBe(false);
    }
  });
});

describe('least privilege', () => {
  const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  it('gives handlers without table access no DynamoDB, SES, SNS or secret permissions', () => {
    const actions = actionsOf('health');
    expect(actions.filter((a) => /^(dynamodb|ses|sns|secretsmanager):/.test(a))).toEqual([]);
  });

  it('gives read-only handlers no write actions', () => {
    for (const name of handlersInUse().filter((n) => (handlers[n].access as { table?: string }).table === 'read')) {
      const actions = actionsOf(name);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(actions.filter((a) => writeActions.includes(a))).toEqual([]);
    }
  });

  it('lets only the handlers that send e-mail use SES, on the sender identity only', () => {
    for (const name of handlersInUse()) {
      const ses = statementsOf(name).filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('ses:')));
      const sends = Boolean((handlers[name].access as { sendEmail?: boolean }).sendEmail);
      expect({ name, sends: ses.length > 0 }).toEqual({ name, sends });
      for (const s of ses) expect(JSON.stringify(s.Resource)).toContain(':identity/feedback@shop.example.org');
    }
    expect(handlersInUse().filter((n) => (handlers[n].access as { sendEmail?: boolean }).sendEmail).sort()).toEqual(['sendAlerts', 'sendInvitations']);
  });

  it('lets only the alert consumer publish, to the alert topic only', () => {
    const publishers = handlersInUse().filter((n) => actionsOf(n).includes('sns:Publish'));
    expect(publishers).toEqual(['sendAlerts']);
    const publish = statementsOf('sendAlerts').find((s) => ([] as string[]).concat(s.Action).includes('sns:Publish'))!;
    expect(publish.Resource).toEqual({ Ref: logicalId(stack.alerting.topic) });
  });

  it('lets only the handlers that list a secret read it', () => {
    for (const name of handlersInUse()) {
      const reads = actionsOf(name).includes('secretsmanager:GetSecretValue');
      expect({ name, reads }).toEqual({ name, reads: ((handlers[name].access as { secrets?: readonly string[] }).secrets ?? []).length > 0 });
    }
  });

  it('grants no wildcard actions', () => {
    for (const name of handlersInUse()) expect(actionsOf(name).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });
});

describe('stream processing', () => {
  it('maps each consumer with partial batch failures, bisect, bounded retries and age, filters and the DLQ', () => {
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(streamConsumers.length);
    const dlqArn = { 'Fn::GetAtt': [logicalId(stack.processing.deadLetterQueue), 'Arn'] };
    for (const consumer of streamConsumers) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(stack.functions.get(consumer.handler)) },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.data.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: consumer.batchSize ?? 25,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
        FilterCriteria: { Filters: consumer.filters.map((f) => ({ Pattern: JSON.stringify(f) })) },
      });
    }
  });

  it('encrypts the dead-letter queue and both topics with the key and refuses plain HTTP', () => {
    const keyArn = { 'Fn::GetAtt': [logicalId(stack.data.key), 'Arn'] };
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn, MessageRetentionPeriod: 14 * 24 * 3600 });
    const topics = Object.values(resources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(2);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn);
    const denyInsecure = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } });
  });
});

describe('monitoring', () => {
  const alarms = () => Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  it('alarms on every handler\'s errors, dead letters, stream lag and API 5xx, to the ops topic', () => {
    const byMetric = (metric: string) => alarms().filter((a) => a.MetricName === metric);
    expect(byMetric('Errors')).toHaveLength(handlersInUse().length);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(byMetric('IteratorAge')).toHaveLength(streamConsumers.length);
    expect(byMetric('IteratorAge')[0]).toMatchObject({ Threshold: 60_000, Statistic: 'Maximum' });
    expect(byMetric('5xx')).toHaveLength(1);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(stack.monitoring.opsTopic) }]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example.org' });
  });
});

describe('cdk-nag', () => {
  it('passes the AWS Solutions rules with every acknowledgement justified', () => {
    const app = newApp();
    new CxFeedbackStack(app, 'Nagged', { senderEmail: 'feedback@shop.example.org' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synth on an unacknowledged finding (the checks are live)', () => {
    const app = newApp();
    const nagged = new CxFeedbackStack(app, 'Nagged', { senderEmail: 'feedback@shop.example.org' });
    new sqs.Queue(nagged, 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('phone channels', () => {
  it('lets only the given Amazon Connect instance invoke the Connect function, and only when configured', () => {
    const instance = 'arn:aws:connect:us-east-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa';
    const withConnect = synthesize({ connectInstanceArn: instance });
    withConnect.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'connect.amazonaws.com',
      SourceArn: instance,
      FunctionName: { 'Fn::GetAtt': [withConnect.stack.getLogicalId(withConnect.stack.functions.get('connectSurvey').node.defaultChild as never), 'Arn'] },
    });
    expect(Object.values(resources('AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === 'connect.amazonaws.com')).toHaveLength(0);
  });

  it('gives the Twilio account settings to the SMS sender only, and keeps the auth token in Secrets Manager', () => {
    const { stack: s, template: t } = synthesize({ twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+14155550100' } });
    for (const name of handlersInUse()) {
      const vars = t.toJSON().Resources[s.getLogicalId(s.functions.get(name).node.defaultChild as never)].Properties.Environment.Variables;
      expect({ name, sms: 'TWILIO_FROM_NUMBER' in vars }).toEqual({ name, sms: name === 'sendSmsInvitations' });
      expect('TWILIO_AUTH_TOKEN' in vars).toBe(false);
    }
    const twilioReaders = handlersInUse().filter((n) => ((handlers[n].access as { secrets?: readonly string[] }).secrets ?? []).includes('TWILIO_AUTH_TOKEN'));
    expect(twilioReaders.sort()).toEqual(['sendSmsInvitations', 'twilioSms', 'twilioVoice', 'twilioVoiceStatus']);
  });
});
