import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authorize, presentedKey } from '../domain/api-keys';
import { feedbackStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

type Result = APIGatewaySimpleAuthorizerWithContextResult<{ keyName: string; role: string }>;

/**
 * HTTP API simple-response authorizer. A missing key throws `Unauthorized` (API Gateway answers 401);
 * an unknown key is refused (403).
 */
export const handler = middy(async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  const outcome = await authorize(feedbackStore(), presentedKey(event.headers ?? {}));
  if (outcome === 'missing') throw new Error('Unauthorized');
  if (outcome === 'denied') {
    logger.warn('API key refused', { route: event.routeKey, sourceIp: event.requestContext?.http?.sourceIp });
    return { isAuthorized: false, context: { keyName: '', role: '' } };
  }
  return { isAuthorized: true, context: { keyName: outcome.name, role: outcome.role } };
}).use(injectLambdaContext(logger, { resetKeys: true }));
