import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import type { RouteDefinition } from '../lambdas/pipeline';

/** A route whose `{param}` placeholders matched a request path. */
export interface MatchedRoute {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

const GREEDY = /^\{([A-Za-z0-9_]+)\+\}$/;
const isGreedy = (path: string) => GREEDY.test(path.slice(path.lastIndexOf('/') + 1));

const compiled = new Map<string, RegExp>();
function pathPattern(path: string): RegExp {
  let re = compiled.get(path);
  if (!re) {
    const parts = path.split('/');
    const source = parts
      .map((part, i) => {
        if (/^\{[A-Za-z0-9_]+\}$/.test(part)) return `(?<${part.slice(1, -1)}>[^/]+)`;
        // `{name+}` (the last segment only, as API Gateway allows): one or more segments, slashes included.
        const greedy = GREEDY.exec(part);
        if (greedy && i === parts.length - 1) return `(?<${greedy[1]}>.+)`;
        return part.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&');
      })
      .join('/');
    re = new RegExp(`^${source}$`);
    compiled.set(path, re);
  }
  return re;
}

/**
 * Path parameters as the HTTP API hands them to Lambda: percent-decoded once. A segment that is not valid
 * percent-encoding (`%ZZ`) is passed as it came, so the handler refuses it like any unknown id.
 */
export function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * API Gateway matches exact method + path; no match is a 404 (also for a known path with another method).
 * A route with a greedy `{name+}` segment only answers what no more specific route matches.
 */
export function matchRoute(routes: readonly RouteDefinition[], method: string, rawPath: string): MatchedRoute | undefined {
  const candidates = routes.filter((r) => r.method === method);
  for (const route of [...candidates.filter((r) => !isGreedy(r.path)), ...candidates.filter((r) => isGreedy(r.path))]) {
    const match = pathPattern(route.path).exec(rawPath);
    if (match) return { route, pathParameters: Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodePathParameter(v)])) };
  }
  return undefined;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|[a-z.+-]+\+(json|xml)))/i;

export interface HttpRequestParts {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly sourceIp: string;
}

function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.toLowerCase() === 'cookie') continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function queryParameters(url: URL): Record<string, string> | undefined {
  if (!url.search) return undefined;
  const out: Record<string, string> = {};
  // API Gateway joins repeated parameters with commas.
  for (const [k, v] of url.searchParams) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

function requestContext(req: HttpRequestParts, routeKey: string, now: Date) {
  return {
    accountId: '000000000000',
    apiId: 'local',
    domainName: req.url.host,
    domainPrefix: req.url.hostname.split('.')[0],
    http: {
      method: req.method,
      path: req.url.pathname,
      protocol: 'HTTP/1.1',
      sourceIp: req.sourceIp,
      userAgent: String(req.headers['user-agent'] ?? ''),
    },
    requestId: randomUUID(),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
}

/** Builds the payload-v2 event API Gateway's HTTP API would send for this request. */
export function toHttpApiEvent(req: HttpRequestParts, matched: MatchedRoute, authorizerContext?: Record<string, unknown>): APIGatewayProxyEventV2 {
  const routeKey = `${matched.route.method} ${matched.route.path}`;
  const contentType = String(req.headers['content-type'] ?? '');
  const isText = req.body.length === 0 || TEXT_TYPES.test(contentType);
  const cookieHeader = req.headers.cookie;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: req.url.pathname,
    rawQueryString: req.url.search.replace(/^\?/, ''),
    headers: flatHeaders(req.headers),
    requestContext: requestContext(req, routeKey, new Date()),
    isBase64Encoded: !isText,
  };
  if (cookieHeader) event.cookies = cookieHeader.split(';').map((c) => c.trim());
  const query = queryParameters(req.url);
  if (query) event.queryStringParameters = query;
  if (Object.keys(matched.pathParameters).length) event.pathParameters = matched.pathParameters;
  if (req.body.length) event.body = isText ? req.body.toString('utf8') : req.body.toString('base64');
  if (authorizerContext) (event.requestContext as unknown as Record<string, unknown>).authorizer = { lambda: authorizerContext };
  return event;
}

/** The REQUEST authorizer event (payload v2) for a protected route. */
export function toAuthorizerEvent(req: HttpRequestParts, matched: MatchedRoute): APIGatewayRequestAuthorizerEventV2 {
  const routeKey = `${matched.route.method} ${matched.route.path}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${matched.route.method}${matched.route.path}`,
    identitySource: [],
    routeKey,
    rawPath: req.url.pathname,
    rawQueryString: req.url.search.replace(/^\?/, ''),
    headers: flatHeaders(req.headers),
    queryStringParameters: queryParameters(req.url) ?? {},
    pathParameters: matched.pathParameters,
    requestContext: requestContext(req, routeKey, new Date()),
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

export interface PlainResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
  readonly body: Buffer;
}

/** Maps a handler's result the way the HTTP API does (a bare value becomes a 200 JSON body). */
export function fromHttpApiResult(result: APIGatewayProxyResultV2): PlainResponse {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(JSON.stringify(result)) };
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const raw = result.body ?? '';
  return {
    statusCode: result.statusCode ?? 200,
    headers,
    cookies: result.cookies ?? [],
    body: result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
  };
}

/** A Lambda context for a local invocation; the deadline is the function's configured timeout. */
export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
