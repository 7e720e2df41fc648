import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoApiKeyLookup } from '../adapters/dynamodb/api-key-lookup';
import { authorize, authorizerContextOf, presentedKey } from '../domain/people/api-keys';
import { env } from '../pipeline';
import { requireEnv } from '../shared/config';
import { logger } from '../shared/logger';
import { once } from '../shared/once';

type Result = APIGatewaySimpleAuthorizerWithContextResult<Partial<ReturnType<typeof authorizerContextOf>>>;

const REFUSED: Result = { isAuthorized: false, context: {} };

// Every admin call waits for this function, so it loads only the Logger and one GetItem: no Tracer, no store.
const apiKeys = once(() => new DynamoApiKeyLookup(requireEnv(env.tableName), new DynamoDBClient({})));

/**
 * HTTP API simple-response authorizer: a missing or unknown key is refused (API Gateway answers 403).
 * It never throws for a caller's mistake: every throw is a Lambda error, and those page the operators.
 */
export const handler = middy(async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  // An event API Gateway would not send is refused, not thrown on.
  if (!isAuthorizerEvent(event)) return REFUSED;
  const outcome = await authorize(apiKeys(), presentedKey(event.headers ?? {}));
  if (outcome === 'missing') return REFUSED;
  if (outcome === 'denied') {
    logger.warn('API key refused', { route: event.routeKey, sourceIp: event.requestContext?.http?.sourceIp });
    return REFUSED;
  }
  return { isAuthorized: true, context: authorizerContextOf(outcome) };
}).use(injectLambdaContext(logger, { resetKeys: true }));

/**
 * The shape of an HTTP API (payload 2.0) REQUEST authorizer event, as far as this authorizer reads it:
 * checked by hand, so the authorizer (on every admin call) does not load a schema library.
 */
function isAuthorizerEvent(event: unknown): event is APIGatewayRequestAuthorizerEventV2 {
  if (!event || typeof event !== 'object') return false;
  const e = event as Record<string, unknown>;
  const context = e.requestContext as Record<string, unknown> | undefined;
  const headersOk = e.headers === undefined || (typeof e.headers === 'object' && e.headers !== null && Object.values(e.headers).every((v) => typeof v === 'string'));
  return e.type === 'REQUEST' && typeof e.routeKey === 'string' && headersOk && typeof context === 'object' && context !== null && typeof context.http === 'object' && context.http !== null;
}
