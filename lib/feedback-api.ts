import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes, type HandlerName } from '../lambdas/pipeline';

export interface FeedbackApiProps {
  readonly key: kms.IKey;
  /**
   * Stage throttling. The HTTP API applies these default route settings to each route separately, not to
   * the API as a whole: every route may take this rate.
   * @default 50 requests per second, burst 100, per route
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * Browser origins that may post responses cross-origin (`POST /responses` from your own site). Preflight
   * allows POST with `content-type` and `idempotency-key` only, so admin routes (which need `x-api-key`)
   * stay closed to browsers elsewhere.
   * @default no CORS
   */
  readonly corsOrigins?: readonly string[];
}

/** The HTTP API: one route per entry in lambdas/pipeline.ts, admin routes behind the API-key authorizer. */
export class FeedbackApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;

  constructor(scope: Construct, id: string, props: FeedbackApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'CX feedback pipeline',
      createDefaultStage: false,
      ...(props.corsOrigins?.length && {
        corsPreflight: {
          allowOrigins: [...props.corsOrigins],
          allowMethods: [apigwv2.CorsHttpMethod.POST],
          allowHeaders: ['content-type', 'idempotency-key'],
          maxAge: Duration.hours(1),
        },
      }),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: props.key });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // HTTP API context variables (the REST API's standard set names fields an HTTP API does not have).
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationErrorMessage: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    new CfnOutput(this, 'Url', { value: this.api.apiEndpoint, description: 'API base URL' });
  }

  /** Base URL of the API (the $default stage has no path prefix). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  addRoutes(functionFor: (name: HandlerName) => lambda.IFunction): void {
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', functionFor('authorizer'), {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No identity source: keys come in x-api-key or Authorization, and either may be absent.
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const integrations = new Map<HandlerName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}Integration`, functionFor(route.handler));
        integrations.set(route.handler, integration);
      }
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
        ...(route.auth === 'apiKey' && { authorizer }),
      });
    }
  }
}
