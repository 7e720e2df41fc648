import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, type ErrorDetail } from '../domain/kernel/errors';
import { errorPage } from '../views/html';
import { prototypeKeyPath } from '../domain/kernel/identifiers';
import { DEFAULT_PAGE_SIZE, PageQuerySchema } from '../domain/kernel/paging';
import { routeRoles } from './caller';
import { logger, metrics, tracer } from './powertools';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Bodies above this are refused with 413 before any parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

import { errorBody, html, json } from './responses';

export { errorBody, html, htmlWithScripts, json, SECURITY_HEADERS, seeOther } from './responses';

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * Browsers (the hosted form, e-mail links) ask for HTML and get HTML errors; API clients and providers'
 * webhooks (form posts without Accept: text/html) get the JSON error shape.
 */
export const wantsHtml = (event: HttpEvent) => (header(event, 'accept') ?? '').includes('text/html');
/** Media types are case-insensitive (RFC 9110), so `Application/JSON` is JSON. */
export const mediaType = (event: HttpEvent) => (header(event, 'content-type') ?? '').trim().toLowerCase();
export const isForm = (event: HttpEvent) => mediaType(event).startsWith('application/x-www-form-urlencoded');

export function rawBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): string {
  if (!event.body) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > maxBytes) {
    throw new DomainError(413, 'payload_too_large', `the body must be at most ${maxBytes} bytes`, [{ field: 'body', message: `${bytes.length} bytes` }]);
  }
  return bytes.toString('utf8');
}

/** The body as a JSON object, or as form fields for the hosted pages' posts. */
export function parseBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): Record<string, unknown> {
  const text = rawBody(event, maxBytes);
  if (isForm(event)) return Object.fromEntries(new URLSearchParams(text));
  const type = mediaType(event) || 'application/json';
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/.test(type)) {
    throw new DomainError(415, 'unsupported_media_type', 'send application/json', [{ field: 'content-type', message: `${type} is not supported` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DomainError(400, 'malformed_json', 'the body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DomainError(400, 'validation_failed', 'the body must be a JSON object', [{ field: 'body', message: 'must be an object' }]);
  }
  refuseReservedKeys(parsed);
  return parsed as Record<string, unknown>;
}

/** 400 naming the first key anywhere in `value` that names a prototype: validators would drop it silently. */
export function refuseReservedKeys(value: unknown): void {
  const reserved = prototypeKeyPath(value);
  if (reserved) throw new DomainError(400, 'validation_failed', 'the body uses a reserved name as a key', [{ field: reserved, message: 'this name is reserved' }]);
}

/** zod issues → our details: dotted field path + message. */
export function zodDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix = ''): ErrorDetail[] {
  return issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || prefix || 'body', message: i.message }));
}

/**
 * Domain errors carry messages written for the caller and are answered as they are (4xx, or a 502 for a
 * provider that failed us); anything unexpected is logged and answered with a generic 500.
 */
const errorResponses = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: async (request) => {
    const error = request.error;
    const htmlWanted = wantsHtml(request.event);
    if (error instanceof DomainError) {
      (error.status < 500 ? logger.info : logger.warn).call(logger, 'request refused', { status: error.status, code: error.code, details: error.details });
      request.response = htmlWanted
        ? html(error.status, errorPage(error.message, error.details))
        : json(error.status, errorBody(error.code, error.message, error.details));
      return;
    }
    logger.error('request failed', error as Error);
    // Whether a write happened before the failure is unknown; a retry with the same Idempotency-Key is safe.
    const message = 'something went wrong on our side; please try again (with the same Idempotency-Key, a retry never stores twice)';
    request.response = htmlWanted ? html(500, errorPage(message, [])) : json(500, errorBody('internal_error', message));
  },
});

/** The middy stack every HTTP handler shares. */
/** Refuses an oversized body with 413 before the handler looks at anything else (tokens, lookups). */
const bodyLimit = (maxBytes: number): MiddlewareObj<HttpEvent, HttpResult> => ({
  before: async (request) => {
    const body = request.event.body;
    if (!body) return;
    const bytes = request.event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
    if (bytes > maxBytes) {
      throw new DomainError(413, 'payload_too_large', `the body must be at most ${maxBytes} bytes`, [{ field: 'body', message: `${bytes} bytes` }]);
    }
  },
});

/** The middy stack every HTTP handler shares. `maxBodyBytes` raises the body limit for import routes. */
export function httpHandler(handle: (event: HttpEvent, context: Context) => Promise<HttpResult>, options: { readonly maxBodyBytes?: number } = {}) {
  return middy(handle)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(errorResponses())
    .use(routeRoles())
    .use(bodyLimit(options.maxBodyBytes ?? MAX_BODY_BYTES));
}

export function pathParam(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new DomainError(400, 'validation_failed', `${name} is missing`, [{ field: name, message: 'is required' }]);
  // API Gateway hands path parameters over already percent-decoded; decoding again would break on a literal "%".
  return value;
}

/** `limit` (1–100, default 25) and `cursor` query parameters. */
export function pageRequest(event: HttpEvent): { limit: number; cursor?: string } {
  const q = event.queryStringParameters ?? {};
  const parsed = PageQuerySchema.safeParse({ limit: q.limit, cursor: q.cursor || undefined });
  if (!parsed.success) {
    const field = String(parsed.error.issues[0].path[0]);
    const message = field === 'limit' ? 'limit must be a whole number from 1 to 100' : 'cursor is not one this API gave out';
    throw new DomainError(400, 'validation_failed', message, zodDetails(parsed.error.issues));
  }
  const limit = parsed.data.limit === undefined ? DEFAULT_PAGE_SIZE : Number(parsed.data.limit);
  return parsed.data.cursor ? { limit, cursor: parsed.data.cursor } : { limit };
}

/** Hosted forms name answer fields `answers.<questionId>`; this folds them back into an answers object. */
export function formAnswers(fields: Record<string, unknown>): Record<string, unknown> {
  // Defined as own properties, so a field named `answers.__proto__` stays data and is refused as an answer.
  const answers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('answers.')) Object.defineProperty(answers, key.slice('answers.'.length), { value, enumerable: true, writable: true, configurable: true });
  }
  return answers;
}


/** `Idempotency-Key` header (or the hosted form's hidden field): 1–128 visible characters. */
export function idempotencyKey(event: HttpEvent, formField?: unknown): string | undefined {
  const key = header(event, 'idempotency-key') ?? (typeof formField === 'string' ? formField : undefined);
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new DomainError(400, 'validation_failed', 'Idempotency-Key must be 1–128 visible ASCII characters', [{ field: 'Idempotency-Key', message: 'invalid' }]);
  }
  return key;
}
