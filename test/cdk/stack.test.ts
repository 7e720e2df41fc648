import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CxFeedbackStack, senderEmailProblem, textAnalyticsProblem } from '../../lib/cx-feedback-stack';
import { emailEventHandlers, handlers, handlersInUse, routes, schedules, streamConsumers, type HandlerAccess, type HandlerName } from '../../lambdas/pipeline';
import cdkJson from '../../cdk.json';

/**
 * The feature flags of cdk.json, as `cdk deploy` sees them. Skipping esbuild keeps these tests about the
 * template; bundling itself is exercised by `cdk synth`.
 */
const newApp = () => new App({ context: { ...(cdkJson.context as Record<string, unknown>), 'aws:cdk:bundling-stacks': [] } });

function synthesize(props: Partial<ConstructorParameters<typeof CxFeedbackStack>[2]> = {}) {
  const app = newApp();
  const stack = new CxFeedbackStack(app, 'Test', { senderEmail: 'feedback@shop.example.org', ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

const { stack, template } = synthesize({ opsEmail: 'ops@shop.example.org' });
const resources = (type: string) => template.findResources(type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: Record<string, Record<string, unknown>> };
const accessOf = (name: HandlerName): HandlerAccess => handlers[name].access;
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
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
          Match.objectLike({ IndexName: 'gsi2', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
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

  it('logs access in the HTTP API variable set to an encrypted log group and throttles each route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
    });
    const stage = Object.values(resources('AWS::ApiGatewayV2::Stage'))[0];
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      httpMethod: '$context.httpMethod',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationErrorMessage: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
    });
  });

  it('allows cross-origin posts of responses from the configured origins only', () => {
    expect(template.toJSON().Resources[logicalId(stack.api.api)].Properties.CorsConfiguration).toBeUndefined();
    const { template: withCors } = synthesize({ corsOrigins: ['https://shop.example.org'] });
    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://shop.example.org'], AllowMethods: ['POST'], AllowHeaders: ['content-type', 'idempotency-key'], MaxAge: 3600 },
    });
  });
});

describe('functions', () => {
  it('creates one Node.js 24 arm64 function per handler in use, untraced unless asked', () => {
    const functions = Object.values(resources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(handlersInUse().length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(fn.Properties.TracingConfig).toBeUndefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_TRACE_ENABLED: 'false' });
      expect(fn.Properties.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps' });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      // JSON logs; Lambda's START, END and REPORT lines left out (the log volume is billed per invocation).
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
    }
  });

  it('gives each function only the variables it reads', () => {
    for (const name of handlersInUse()) {
      const vars = template.toJSON().Resources[logicalId(stack.functions.get(name))].Properties.Environment.Variables;
      const access = accessOf(name);
      expect({ name, table: 'TABLE_NAME' in vars, links: 'PUBLIC_URL' in vars, topic: 'ALERT_TOPIC_ARN' in vars, sender: 'SENDER_EMAIL' in vars }).toEqual({
        name,
        table: Boolean(access.table),
        links: Boolean(access.links),
        topic: Boolean(access.publishAlerts),
        sender: Boolean(access.sendEmail),
      });
    }
    expect(Object.keys(template.toJSON().Resources[logicalId(stack.functions.get('health'))].Properties.Environment.Variables).sort()).toEqual(
      ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_TRACE_ENABLED'],
    );
  });

  it('links to the API endpoint and passes secrets by ARN only, to the handlers that read them', () => {
    for (const name of handlersInUse()) {
      const vars = template.toJSON().Resources[logicalId(stack.functions.get(name))].Properties.Environment.Variables;
      if (vars.PUBLIC_URL) expect(JSON.stringify(vars.PUBLIC_URL)).toContain(logicalId(stack.api.api));
      const declared = [...((handlers[name].access as { secrets?: readonly string[] }).secrets ?? [])].map((s) => `${s}_SECRET_ARN`).sort();
      expect({ name, secretArns: Object.keys(vars).filter((v) => v.endsWith('_SECRET_ARN')).sort() }).toEqual({ name, secretArns: declared });
      expect(Object.keys(vars).filter((v) => ['TOKEN_SECRET', 'TWILIO_AUTH_TOKEN', 'VONAGE_SIGNATURE_SECRET'].includes(v))).toEqual([]);
      if (vars.SENDER_EMAIL) expect(vars.SENDER_EMAIL).toBe('feedback@shop.example.org');
      if (vars.ALERT_TOPIC_ARN) expect(vars.ALERT_TOPIC_ARN).toEqual({ Ref: logicalId(stack.alerting.topic) });
    }
  });
});

describe('least privilege', () => {
  const itemActions = (name: HandlerName) => statementsOf(name).filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(a)));
  /** Index → LeadingKeys patterns of the handler's Query statements. */
  const queriesOf = (name: HandlerName) =>
    Object.fromEntries(
      statementsOf(name)
        .filter((st) => ([] as string[]).concat(st.Action).includes('dynamodb:Query'))
        .map((st) => [JSON.stringify(st.Resource).match(/index\/(\w+)/)?.[1] ?? 'table', st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]),
    );
  const prefixesFor = (name: HandlerName, action: string) =>
    itemActions(name)
      .filter((st) => ([] as string[]).concat(st.Action).includes(action))
      .flatMap((st) => (st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined) ?? ['<any item>']);

  it('gives handlers without table access no DynamoDB, SES, SNS or secret permissions', () => {
    const actions = actionsOf('health');
    expect(actions.filter((a) => /^(dynamodb|ses|sns|secretsmanager|kms):/.test(a))).toEqual([]);
  });

  it('never grants Scan, BatchWriteItem or BatchGetItem, DeleteItem only on suppressions (and to erasure and the aggregate rebuild), and scopes every item action to its key prefixes', () => {
    for (const name of handlersInUse()) {
      expect(actionsOf(name).filter((a) => /dynamodb:(Scan|BatchWriteItem|BatchGetItem|\*)/.test(a))).toEqual([]);
      expect({ name, deletes: prefixesFor(name, 'dynamodb:DeleteItem') }).toEqual({ name, deletes: (accessOf(name).table?.delete ?? []).map((p) => `${p}*`) });
      // Only erasure deletes what people gave us; the rebuild deletes only its own hold and journal;
      // everyone else may only take back an unsubscribe.
      if (name === 'aggregateMaintenance') expect(accessOf(name).table?.delete).toEqual(['AGGHOLD#', 'AGGJ#']);
      // The response consumer and the sweeper erase on arrival: the same items as erasure.
      else if (name === 'processResponses' || name === 'sweepPending') expect(accessOf(name).table?.delete).toEqual(accessOf('erasure').table?.delete);
      // The destinations function deletes destinations, and only those.
      else if (name === 'destinations') expect(accessOf(name).table?.delete).toEqual(['DESTINATION#']);
      else if (name !== 'erasure') for (const p of accessOf(name).table?.delete ?? []) expect(p).toBe('SUPPRESS#');
      for (const st of itemActions(name)) {
        expect({ name, leadingKeys: Boolean(st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']) }).toEqual({ name, leadingKeys: true });
      }
    }
  });

  it('lets the authorizer read API keys only, and write nothing', () => {
    expect(prefixesFor('authorizer', 'dynamodb:GetItem')).toEqual(['APIKEY#*']);
    expect(actionsOf('authorizer').filter((a) => /dynamodb:(PutItem|UpdateItem|Query)/.test(a))).toEqual([]);
  });

  it('lets public ingest read surveys, write responses and list destinations (whether one takes response.completed), nothing else (no cases, no keys)', () => {
    expect(prefixesFor('submitResponse', 'dynamodb:GetItem')).toEqual(['SURVEY#*']);
    expect(prefixesFor('submitResponse', 'dynamodb:PutItem')).toEqual(['RESPONSE#*']);
    expect(prefixesFor('submitResponse', 'dynamodb:UpdateItem')).toEqual(['RESPONSE#*']);
    expect(JSON.stringify(statementsOf('submitResponse'))).not.toContain('ALERT#');
    expect(queriesOf('submitResponse')).toEqual({ gsi1: ['DESTINATIONS*'] });
  });

  it('grants each handler exactly the prefixes and indexes the pipeline declares', () => {
    for (const name of handlersInUse()) {
      const table = accessOf(name).table;
      expect({ name, read: prefixesFor(name, 'dynamodb:GetItem').sort() }).toEqual({ name, read: (table?.read ?? []).map((p) => `${p}*`).sort() });
      expect({ name, write: prefixesFor(name, 'dynamodb:UpdateItem').sort() }).toEqual({ name, write: (table?.write ?? []).map((p) => `${p}*`).sort() });
      expect({ name, delete: prefixesFor(name, 'dynamodb:DeleteItem').sort() }).toEqual({ name, delete: (table?.delete ?? []).map((p) => `${p}*`).sort() });
      expect({ name, queried: queriesOf(name) }).toEqual({
        name,
        queried: {
          ...Object.fromEntries(Object.entries(table?.query ?? {}).map(([index, partitions]) => [index, partitions.map((p) => `${p}*`)])),
          ...(table?.queryItems?.length && { table: table.queryItems.map((p) => `${p}*`) }),
        },
      });
    }
  });

  it('scopes index queries to index partitions: the sweeper pending responses, the escalation due cases, listings their own', () => {
    // The sweeper also reads a survey's responses (comments read again), the destinations and the due deliveries.
    expect(queriesOf('sweepPending')).toEqual({ gsi1: ['SURVEY#*', 'DESTINATIONS*'], gsi2: ['PENDING#*', 'PARKED#*', 'HELD#*', 'DLVDUE#*'], table: ['CUSTOMER#*'] });
    // The escalation function also runs the metric alerts (surveys, their day cells, their watches, the destinations)
    // and the digests (the surveys' cases too).
    expect(queriesOf('escalateCases')).toEqual({ gsi1: ['SURVEYS*', 'DESTINATIONS*', 'CASES#*'], gsi2: ['DUE#*', 'DUEPARKED#*'], table: ['AGG#*', 'METRIC#*'] });
    expect(queriesOf('listResponses')).toEqual({ gsi1: ['SURVEY#*'] });
    expect(queriesOf('listCases')).toEqual({ gsi1: ['CASES#*'] });
    // Queries of the table itself stay within the partitions declared for them (a customer's timeline).
    for (const name of handlersInUse()) {
      const onTable = queriesOf(name).table as string[] | undefined;
      expect({ name, onTable: onTable ?? [] }).toEqual({ name, onTable: (accessOf(name).table?.queryItems ?? []).map((p) => `${p}*`) });
      for (const pattern of onTable ?? []) expect(['SURVEY#*', 'RESPONSE#*', 'ALERT#*', 'APIKEY#*']).not.toContain(pattern);
    }
  });

  it('grants only the item actions the adapters call: ConditionCheckItem only to the aggregates consumer on rebuild holds, and phone calls cannot write contacts', () => {
    const allowed = new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query']);
    for (const name of handlersInUse()) {
      const unexpected = itemActions(name).flatMap((st) => ([] as string[]).concat(st.Action)).filter((a) => !allowed.has(a));
      expect({ name, unexpected }).toEqual({ name, unexpected: name === 'aggregateResponses' ? ['dynamodb:ConditionCheckItem'] : [] });
    }
    expect(prefixesFor('aggregateResponses', 'dynamodb:ConditionCheckItem')).toEqual(['AGGHOLD#*']);
    for (const name of ['twilioVoice', 'twilioVoiceStatus', 'vonageVoice'] as const) {
      expect(prefixesFor(name, 'dynamodb:PutItem').sort()).toEqual(name === 'vonageVoice' ? ['CONVERSATION#*', 'RESPONSE#*', 'WEBHOOKJTI#*'] : ['CONVERSATION#*', 'RESPONSE#*']);
    }
    expect(prefixesFor('twilioSms', 'dynamodb:PutItem')).toContain('PHONE#*');
  });

  it('lets the sweeper do everything the response consumer does (both run the same processing)', () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect({ action, missing: prefixesFor('processResponses', action).filter((p) => !prefixesFor('sweepPending', action).includes(p)) }).toEqual({ action, missing: [] });
    }
  });

  it('lets the response consumer and the sweeper touch responses and cases, never keys, suppressions or settings, and delete only to erase on arrival', () => {
    for (const name of ['processResponses', 'sweepPending'] as const) {
      const all = [...prefixesFor(name, 'dynamodb:GetItem'), ...prefixesFor(name, 'dynamodb:UpdateItem')];
      expect(all).toEqual(expect.arrayContaining(['SURVEY#*', 'ALERT#*', 'RESPONSE#*']));
      for (const forbidden of ['APIKEY#*', 'SUPPRESS#*', 'SETTINGS#*', 'INVITATION#*']) expect(all).not.toContain(forbidden);
      // Deletes only to erase on arrival, the items erasure deletes.
      expect(prefixesFor(name, 'dynamodb:DeleteItem').sort()).toEqual(prefixesFor('erasure', 'dynamodb:DeleteItem').sort());
    }
  });

  it('uses the key only through the service it serves (kms:ViaService), except the stream mapping\'s own grant', () => {
    for (const name of handlersInUse()) {
      const kms = statementsOf(name).filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('kms:')));
      const conditioned = kms.filter((st) => st.Condition?.StringEquals?.['kms:ViaService']);
      const consumer = streamConsumers.some((c) => c.handler === name) || emailEventHandlers.includes(name);
      // The event source mapping reads the encrypted stream and writes pointers to the encrypted DLQ with the
      // role; so does the on-failure destination of the SES events' function.
      expect({ name, unconditioned: kms.length - conditioned.length }).toEqual({ name, unconditioned: consumer ? 1 : 0 });
    }
  });

  it('lets only the handlers that send e-mail use SES, from the sender address only, on any identity (the sandbox checks recipients)', () => {
    for (const name of handlersInUse()) {
      const ses = statementsOf(name).filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('ses:')));
      expect({ name, sends: ses.length > 0 }).toEqual({ name, sends: Boolean(accessOf(name).sendEmail) });
      for (const st of ses) {
        expect(st.Action).toBe('ses:SendEmail');
        // The identity (sender address only), and for invitations the configuration set that reports their events.
        if (JSON.stringify(st.Resource).includes(':configuration-set/')) {
          expect({ name, configurationSet: true }).toEqual({ name, configurationSet: Boolean(accessOf(name).emailEvents) });
          continue;
        }
        expect(JSON.stringify(st.Resource)).toContain(':identity/*');
        expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'feedback@shop.example.org' } });
      }
    }
    expect(handlersInUse().filter((n) => accessOf(n).sendEmail).sort()).toEqual(['escalateCases', 'processResponses', 'sendInvitations', 'sweepPending']);
  });

  it('lets only the response consumer, the sweeper and the escalation publish, to the alert topic only', () => {
    const publishers = handlersInUse().filter((n) => actionsOf(n).includes('sns:Publish'));
    expect(publishers.sort()).toEqual(['escalateCases', 'processResponses', 'sweepPending']);
    for (const name of publishers) {
      const publish = statementsOf(name).find((st) => ([] as string[]).concat(st.Action).includes('sns:Publish'))!;
      expect(publish.Resource).toEqual({ Ref: logicalId(stack.alerting.topic) });
    }
  });

  it('lets only the handlers that list a secret read it', () => {
    for (const name of handlersInUse()) {
      const reads = actionsOf(name).includes('secretsmanager:GetSecretValue');
      expect({ name, reads }).toEqual({ name, reads: (accessOf(name).secrets ?? []).length > 0 });
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
    // The alert topic, the escalation/operations topic, and SES's e-mail events.
    expect(topics).toHaveLength(3);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn);
    const denyInsecure = Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: Match.arrayWith([denyInsecure]) } });
  });

  it('sends invitations through a configuration set whose delivery, bounce and complaint events reach the e-mail events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ Enabled: true, MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint']), SnsDestination: Match.anyValue() }),
    });
    const dlq = { 'Fn::GetAtt': [logicalId(stack.processing.deadLetterQueue), 'Arn'] };
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [logicalId(stack.functions.get('emailEvents')), 'Arn'] }, RedrivePolicy: { deadLetterTargetArn: dlq } });
    // What the function fails on after Lambda's retries goes to the same alarmed dead letters.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.functions.get('emailEvents')) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: Match.arrayWith(['sns.amazonaws.com']) }, Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } } })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' })]) },
    });
    const fn = Object.values(resources('AWS::Lambda::Function')).find((f) => f.Properties.Description?.startsWith('E-mails survey invitations'))!;
    expect(Object.keys(fn.Properties.Environment.Variables)).toContain('EMAIL_CONFIGURATION_SET');
  });
});

describe('sweeper', () => {
  it('runs each scheduled handler on EventBridge Scheduler, encrypted, with retries and a dead-letter queue', () => {
    expect(Object.values(resources('AWS::Scheduler::Schedule'))).toHaveLength(schedules.length);
    for (const schedule of schedules) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: `rate(${schedule.everyMinutes} minute${schedule.everyMinutes === 1 ? "" : "s"})`,
        KmsKeyArn: { 'Fn::GetAtt': [logicalId(stack.data.key), 'Arn'] },
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.functions.get(schedule.handler)), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.processing.deadLetterQueue), 'Arn'] } },
        }),
      });
    }
  });

  it('lets each schedule\'s role invoke its one function and write to the encrypted dead-letter queue, nothing else', () => {
    for (const [name, schedule] of stack.schedules.schedules) {
      const handler = schedules.find((s) => s.name === name)!.handler;
      const roleArn = (template.toJSON().Resources[logicalId(schedule)].Properties.Target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = Object.values(resources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleArn))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      const fnArn = { 'Fn::GetAtt': [logicalId(stack.functions.get(handler)), 'Arn'] };
      const invoke = statements.filter((st) => st.Action === 'lambda:InvokeFunction');
      expect(invoke).toHaveLength(1);
      expect(invoke[0].Resource).toEqual([fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }]);
      expect(statements.find((st) => st.Action === 'sqs:SendMessage')?.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.processing.deadLetterQueue), 'Arn'] });
      expect(statements.some((st) => JSON.stringify(st.Action).includes('kms:GenerateDataKey') && JSON.stringify(st.Condition).includes('sqs.'))).toBe(true);
      const actions = statements.flatMap((st) => ([] as string[]).concat(st.Action));
      expect(actions.filter((a) => !['lambda:InvokeFunction', 'sqs:SendMessage', 'kms:Decrypt', 'kms:GenerateDataKey'].includes(a))).toEqual([]);
    }
  });
});

describe('deploy inputs and outputs', () => {
  it('refuses to synth without a real sender address', () => {
    for (const senderEmail of ['', 'feedback@example.com', 'not-an-address']) {
      expect(() => new CxFeedbackStack(newApp(), 'Bad', { senderEmail })).toThrow(/senderEmail/);
    }
  });

  it('creates the sender identity, or uses one the account already has', () => {
    expect(Object.values(resources('AWS::SES::EmailIdentity')).map((r) => r.Properties.EmailIdentity)).toEqual(['feedback@shop.example.org']);
    const existing = synthesize({ existingSenderIdentity: true });
    existing.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    // Sending stays pinned to the sender address.
    existing.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ses:SendEmail', Condition: { StringEquals: { 'ses:FromAddress': 'feedback@shop.example.org' } } })]) },
    });
  });

  it('warns when no one receives the operational alarms', () => {
    const app = newApp();
    const quiet = new CxFeedbackStack(app, 'Quiet', { senderEmail: 'feedback@shop.example.org' });
    const warnings = Annotations.fromStack(quiet).findWarning('*', Match.stringLikeRegexp('opsEmail'));
    expect(warnings).toHaveLength(1);
  });

  it('outputs everything README asks the operator to use', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    for (const name of ['TableName', 'TOKENSECRETSecretArn', 'TWILIOAUTHTOKENSecretArn', 'VONAGESIGNATURESECRETSecretArn', 'AlertTopicArn', 'OpsTopicArn', 'ConnectFunctionName', 'SweeperFunctionName', 'EscalationFunctionName', 'AggregatesFunctionName', 'DeadLetterQueueUrl']) {
      expect(outputs).toContain(name);
    }
    expect(outputs.some((o) => o.startsWith('ApiUrl'))).toBe(true);
    for (const [name, output] of Object.entries(template.toJSON().Outputs as Record<string, { Description?: string }>)) {
      expect({ name, described: (output.Description ?? '').length > 10 }).toEqual({ name, described: true });
    }
  });

  it('says what is wrong with the sender address: missing, malformed or the placeholder', () => {
    expect(senderEmailProblem(undefined)).toMatch(/required.*-c senderEmail=/);
    expect(senderEmailProblem('feedback')).toMatch(/not an e-mail address/);
    expect(senderEmailProblem('feedback@example.com')).toMatch(/placeholder/);
    expect(senderEmailProblem('feedback@shop.example.org')).toBeUndefined();
  });

  it('synthesizes with the recommended feature flags of this aws-cdk-lib version', () => {
    const recommended = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
    expect(cdkJson.context).toMatchObject(recommended);
  });
});

describe('monitoring', () => {
  const alarms = () => Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const tableThrottlesOf = () => alarms().filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression === 'reads + writes'));

  type AlarmMetric = {
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string };
  };
  const byMetric = (metric: string) => alarms().filter((a) => a.MetricName === metric);
  /** Alarms whose metric math sums one Lambda metric over a group of functions. */
  const groupAlarmsOf = (metric: string) =>
    alarms().filter((a) => (a.Metrics as AlarmMetric[] | undefined)?.some((m) => m.MetricStat?.Metric.Namespace === 'AWS/Lambda' && m.MetricStat.Metric.MetricName === metric));

  it('alarms on dead letters, stream lag and API 5xx, to the ops topic', () => {
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(byMetric('IteratorAge')).toHaveLength(streamConsumers.length);
    expect(byMetric('IteratorAge')[0]).toMatchObject({ Threshold: 60_000, Statistic: 'Maximum' });
    expect(byMetric('5xx')).toHaveLength(1);
    expect(byMetric('Reputation.BounceRate')[0]).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.05 });
    expect(byMetric('Reputation.ComplaintRate')[0]).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.001 });
    expect(byMetric('NumberOfNotificationsFailed')[0]).toMatchObject({ Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [logicalId(stack.alerting.topic), 'TopicName'] } }] });
    expect(byMetric('PendingResponses')[0]).toMatchObject({
      Namespace: 'CxFeedback',
      Threshold: 1,
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'service', Value: 'cx-feedback' }],
    });
    const throttleMetrics = tableThrottlesOf().flatMap((a) => a.Metrics.map((m: { MetricStat?: { Metric: { MetricName: string; Namespace: string } } }) => m.MetricStat?.Metric).filter(Boolean));
    expect(throttleMetrics.map((m: { MetricName: string }) => m.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    for (const m of throttleMetrics) expect(m.Namespace).toBe('AWS/DynamoDB');
    expect(tableThrottlesOf()).toHaveLength(1);
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(stack.monitoring.opsTopic) }]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@shop.example.org' });
  });

  it('alarms on every function\'s errors and throttles: each function in exactly one alarm per metric, at most 10 functions an alarm, each named in its description', () => {
    const opsTopic = { Ref: logicalId(stack.monitoring.opsTopic) };
    const nameOf = new Map(handlersInUse().map((name) => [logicalId(stack.functions.get(name)), name]));
    for (const metric of ['Errors', 'Throttles']) {
      const grouped = groupAlarmsOf(metric);
      expect({ metric, alarms: grouped.length > 0 }).toEqual({ metric, alarms: true });
      // A single-metric alarm on a function would cover it too: count those as well.
      const covered: string[] = byMetric(metric).filter((a) => a.Namespace === 'AWS/Lambda').map((a) => a.Dimensions[0].Value.Ref);
      for (const alarm of grouped) {
        const metrics = alarm.Metrics as AlarmMetric[];
        const stats = metrics.filter((m) => m.MetricStat);
        expect(stats.length).toBeGreaterThan(0);
        expect(stats.length).toBeLessThanOrEqual(10);
        // Any one error (or throttle) of any function in the group alarms; a function without data counts as 0.
        expect(metrics.filter((m) => !m.MetricStat)).toEqual([expect.objectContaining({ Expression: 'SUM(FILL(METRICS(), 0))', ReturnData: true })]);
        expect(alarm).toMatchObject({
          Threshold: 1,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [opsTopic],
        });
        const described = new Set((alarm.AlarmDescription as string).match(/\w+/g));
        for (const m of stats) {
          expect(m).toMatchObject({ ReturnData: false, MetricStat: { Period: 300, Stat: 'Sum', Metric: { Namespace: 'AWS/Lambda', MetricName: metric } } });
          const dimensions = m.MetricStat!.Metric.Dimensions;
          expect(dimensions.map((d) => d.Name)).toEqual(['FunctionName']);
          const functionId = (dimensions[0].Value as { Ref: string }).Ref;
          covered.push(functionId);
          const name = nameOf.get(functionId);
          expect({ metric, functionId, described: Boolean(name && described.has(name)) }).toEqual({ metric, functionId, described: true });
        }
      }
      expect({ metric, covered: covered.sort() }).toEqual({ metric, covered: [...nameOf.keys()].sort() });
    }
  });
});

describe('stack size', () => {
  it('stays well under the 500 resources CloudFormation allows in a stack', () => {
    // Every option on: the most resources this stack makes.
    const { template: full } = synthesize({
      opsEmail: 'ops@shop.example.org',
      corsOrigins: ['https://shop.example.org'],
      tracing: true,
      twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+14155550100' },
      connectInstanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa',
      textAnalytics: 'comprehend',
    });
    const count = Object.keys(full.toJSON().Resources).length;
    console.info(`CloudFormation resources with every option on: ${count} (ceiling 450, CloudFormation limit 500)`);
    expect(count).toBeLessThanOrEqual(450);
    // What the stack takes today (367: the five report routes folded into one GET /admin/reports/{report}, three
    // /themes routes on the alert-rules function, a destinations function with its eight routes, then the
    // dashboard's seven routes folded into GET /dashboard and GET|POST /dashboard/{page+}, 8 fewer, and the
    // DeliveriesGivenUp alarm): growth past
    // this is a design question, not just a new route or handler. Each route costs two (the route and its
    // invoke permission); a function far more.
    expect(count).toBeLessThanOrEqual(367);
  });
});

describe('text analytics', () => {
  const COMPREHEND = ['comprehend:DetectDominantLanguage', 'comprehend:DetectSentiment', 'comprehend:DetectKeyPhrases'];
  const readers = ['processResponses', 'sweepPending'];

  it('without the option, lets no function call Amazon Comprehend nor sets TEXT_ANALYTICS', () => {
    const policies = JSON.stringify(resources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/comprehend/i);
    for (const name of handlersInUse()) {
      expect({ name, set: 'TEXT_ANALYTICS' in template.toJSON().Resources[logicalId(stack.functions.get(name))].Properties.Environment.Variables }).toEqual({ name, set: false });
    }
  });

  it('with -c textAnalytics=comprehend, gives the response consumer and the sweeper, and no other function, the three Detect actions and TEXT_ANALYTICS', () => {
    const { stack: withComprehend, template: comprehendTemplate } = synthesize({ textAnalytics: 'comprehend' });
    const json = comprehendTemplate.toJSON().Resources;
    const policies = Object.values(comprehendTemplate.findResources('AWS::IAM::Policy'));
    for (const name of handlersInUse()) {
      const fn = withComprehend.functions.get(name);
      const roleId = withComprehend.getLogicalId(fn.role!.node.defaultChild as never);
      const statements = policies
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      const comprehend = statements.filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('comprehend:')));
      const variables = json[withComprehend.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
      if (readers.includes(name)) {
        expect({ name, actions: comprehend.flatMap((st) => ([] as string[]).concat(st.Action).filter((a) => a.startsWith('comprehend:'))).sort() }).toEqual({ name, actions: [...COMPREHEND].sort() });
        // The Detect actions on the built-in models support no resource-level permissions.
        for (const st of comprehend) expect({ Effect: st.Effect, Resource: st.Resource, Condition: st.Condition }).toEqual({ Effect: 'Allow', Resource: '*', Condition: undefined });
        expect(variables.TEXT_ANALYTICS).toBe('comprehend');
      } else {
        expect({ name, comprehend }).toEqual({ name, comprehend: [] });
        expect({ name, set: 'TEXT_ANALYTICS' in variables }).toEqual({ name, set: false });
      }
    }
  });

  it('adds no resource with the option: only statements in the policies the two functions already have', () => {
    const { template: withComprehend } = synthesize({ opsEmail: 'ops@shop.example.org', textAnalytics: 'comprehend' });
    expect(Object.keys(withComprehend.toJSON().Resources).sort()).toEqual(Object.keys(template.toJSON().Resources).sort());
  });

  it('refuses any other reader at synth', () => {
    expect(textAnalyticsProblem(undefined)).toBeUndefined();
    expect(textAnalyticsProblem('builtin')).toBeUndefined();
    expect(textAnalyticsProblem('comprehend')).toBeUndefined();
    expect(textAnalyticsProblem('Comprehend')).toMatch(/not one of builtin, comprehend.*-c textAnalytics=comprehend/);
    expect(() => synthesize({ textAnalytics: 'openai' as never })).toThrow(/textAnalytics "openai"/);
  });
});

describe('cdk-nag', () => {
  it('passes the AWS Solutions rules with every acknowledgement justified, with tracing off and on, with either text reader', () => {
    for (const [tracing, textAnalytics] of [[false, undefined], [true, undefined], [false, 'comprehend'], [true, 'comprehend']] as const) {
      const app = newApp();
      new CxFeedbackStack(app, 'Nagged', { senderEmail: 'feedback@shop.example.org', tracing, textAnalytics });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(() => app.synth()).not.toThrow();
    }
  });

  it('traces every function with X-Ray when asked (-c tracing=active)', () => {
    const { template: traced } = synthesize({ tracing: true });
    for (const fn of Object.values(traced.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
    }
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
