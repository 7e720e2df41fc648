import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { APIGatewayRequestAuthorizerEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authorize, authorizerContextOf, presentedKey } from '../domain/api-keys';
import { feedbackStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

type Result = APIGatewaySimpleAuthorizerWithContextResult<Partial<ReturnType<typeof authorizerContextOf>>>;

const REFUSED: Result = { isAuthorized: false, context: {} };

/**
 * HTTP API simple-response authorizer: a missing or unknown key is refused (API Gateway answers 403).
 * It never throws for a caller's mistake: every throw is a Lambda error, and those page the operators.
 */
export const handler = middy(async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  // An event API Gateway would not send is refused, not thrown on.
  const parsed = APIGatewayRequestAuthorizerEventV2Schema.safeParse(event);
  if (!parsed.success) return REFUSED;
  const outcome = await authorize(feedbackStore(), presentedKey(parsed.data.headers ?? {}));
  if (outcome === 'missing') return REFUSED;
  if (outcome === 'denied') {
    logger.warn('API key refused', { route: event.routeKey, sourceIp: event.requestContext?.http?.sourceIp });
    return REFUSED;
  }
  return { isAuthorized: true, context: authorizerContextOf(outcome) };
}).use(injectLambdaContext(logger, { resetKeys: true }));
