import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { invocableHandlers, operatorHandlers, routes, schedules, type HandlerName } from '../lambdas/pipeline';
import { presentedKey } from '../lambdas/domain/people/api-keys';

import { errorBody, json } from '../lambdas/shared/responses';
import type { APIGatewayProxyStructuredResultV2 as HttpResult } from 'aws-lambda';
import { fromHttpApiResult, matchRoute, toAuthorizerEvent, toHttpApiEvent, type HttpRequestParts } from './apigw';

const MAX_REQUEST_BYTES = 10 * 1024 * 1024; // the HTTP API's own payload limit

const flatten = (headers: IncomingMessage['headers']) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

export type Invoke = (name: HandlerName, event: unknown) => Promise<unknown>;

/** Functions reachable on the Lambda Invoke API path: those another service invokes, the scheduled ones, the operators'. */
const directlyInvocable = new Set<HandlerName>([...invocableHandlers.map((i) => i.handler), ...schedules.map((s) => s.handler), ...operatorHandlers]);

/**
 * The HTTP API as API Gateway serves it: routes from the pipeline, the authorizer before admin routes,
 * handler results mapped back; plus the Lambda Invoke API for directly invoked functions. Errors the
 * server itself produces have the same JSON shape and headers as the handlers' errors.
 */
export function createApiServer(apiUrl: string, invoke: Invoke, log: (message: string) => void, mayInvoke: (key: string | undefined) => Promise<boolean>): Server {
  const server = createServer((req, res) => {
    serve(req, res).catch((error) => {
      log(`request failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) send(res, json(502, errorBody('handler_failed', 'the handler failed; see the runtime log')));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    if (body === undefined) {
      return send(res, json(413, errorBody('payload_too_large', 'request body over 10 MB', [{ field: 'body', message: 'too large' }])));
    }
    const url = new URL(req.url ?? '/', apiUrl);
    const parts: HttpRequestParts = { method: req.method ?? 'GET', url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };

    const direct = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (direct && parts.method === 'POST') {
      // In AWS, IAM decides who may invoke a function; here, an admin key (x-api-key or Authorization: Bearer).
      if (!(await mayInvoke(presentedKey(flatten(req.headers))))) {
        return send(res, json(403, errorBody('forbidden', 'invoking a function locally takes an admin API key (x-api-key)', [{ field: 'x-api-key', message: 'missing, not valid, or not an admin key' }])));
      }
      return invokeDirectly(res, direct[1], body);
    }

    const matched = matchRoute(routes, parts.method, url.pathname);
    if (!matched) return send(res, json(404, errorBody('not_found', `no route for ${parts.method} ${url.pathname}`)));
    let authorizerContext: Record<string, unknown> | undefined;
    if (matched.route.auth === 'apiKey') {
      const verdict = (await invoke('authorizer', toAuthorizerEvent(parts, matched))) as { isAuthorized: boolean; context?: Record<string, unknown> };
      // API Gateway answers a refused simple-response authorizer with 403, whatever the reason.
      if (!verdict.isAuthorized) {
        return send(res, json(403, errorBody('forbidden', 'a valid API key is required (x-api-key or Authorization: Bearer)', [{ field: 'x-api-key', message: 'missing or not valid' }])));
      }
      authorizerContext = verdict.context;
    }
    const result = fromHttpApiResult((await invoke(matched.route.handler, toHttpApiEvent(parts, matched, authorizerContext))) as APIGatewayProxyResultV2);
    const headers: Record<string, string | string[]> = { ...result.headers, 'content-length': String(result.body.length) };
    if (result.cookies.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode, headers);
    res.end(result.body);
  }

  /** As the Lambda Invoke API answers: 200 with the result, or 200 with `X-Amz-Function-Error` when it threw. */
  async function invokeDirectly(res: ServerResponse, rawName: string, body: Buffer) {
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      name = rawName;
    }
    if (!directlyInvocable.has(name as HandlerName)) return send(res, json(404, errorBody('not_found', `no directly invocable function ${name}`)));
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return send(res, json(400, errorBody('malformed_json', 'the invocation payload is not JSON', [{ field: 'body', message: 'not JSON' }])));
    }
    try {
      return send(res, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify((await invoke(name as HandlerName, event)) ?? null) });
    } catch (error) {
      const failure = { errorType: (error as Error).name ?? 'Error', errorMessage: (error as Error).message ?? String(error) };
      return send(res, { statusCode: 200, headers: { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify(failure) });
    }
  }

  return server;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', rejectBody);
  });
}

function send(res: ServerResponse, result: HttpResult) {
  const body = String(result.body ?? '');
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
