import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { contract, namedSchemas, type RouteContract, type RouteKey } from '../api-contract';
import { handlers, routes, type RouteDefinition } from '../pipeline';
import { EVENT_SCHEMAS } from '../domain/destinations/event-schemas';
import { EVENT_VERSION } from '../domain/destinations/events';

type JsonSchema = Record<string, unknown>;
export const API_VERSION = '0.1.0';

const ERROR_STATUSES: Record<string, string> = {
  '400': 'the request is not valid: `error.details` names each field',
  '403': 'no valid API key, a role this route does not allow, or a bad webhook signature',
  '404': 'not found (or outside the key\'s scope)',
  '409': 'the state does not allow this (e.g. a case transition), or a version mismatch',
  '413': 'the body is too large',
  '415': 'the media type is not accepted',
};

/** zod → JSON Schema 2020-12 (what OpenAPI 3.1 uses), as the request side sees it (before defaults and transforms). */
function componentSchemas(): { schemas: Record<string, JsonSchema>; refFor: (schema: z.ZodMiniType) => JsonSchema } {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(namedSchemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' }).schemas as Record<string, JsonSchema>;
  const schemas = Object.fromEntries(Object.entries(converted).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
  const ids = new Map(Object.entries(namedSchemas).map(([id, schema]) => [schema, id]));
  const refFor = (schema: z.ZodMiniType): JsonSchema => {
    const id = ids.get(schema);
    if (id) return { $ref: `#/components/schemas/${id}` };
    const { $schema: _s, ...inline } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return inline;
  };
  return { schemas, refFor };
}

const operationId = (route: RouteDefinition) =>
  route.method.toLowerCase() +
  route.path
    .split(/[/{}.-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

function operation(route: RouteDefinition, described: RouteContract | undefined, refFor: (schema: z.ZodMiniType) => JsonSchema) {
  const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const queryParameters = described?.query
    ? Object.entries(described.query.shape).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodMiniType).safeParse(undefined).success,
        schema: refFor(schema as z.ZodMiniType),
      }))
    : [];
  const success = described?.success ?? { status: 200, description: 'OK' };
  const errors = Object.fromEntries(
    Object.entries(ERROR_STATUSES)
      .filter(([status]) => status !== '403' || route.auth !== 'public')
      .map(([status, description]) => [status, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );
  return {
    operationId: operationId(route),
    summary: described?.summary ?? handlers[route.handler].description,
    tags: [route.path.split('/')[1] === 'admin' ? route.path.split('/')[2] : route.path.split('/')[1]],
    ...(route.auth === 'apiKey' && { security: [{ apiKey: [] }, { bearer: [] }], 'x-roles': route.roles }),
    ...(pathParameters.length + queryParameters.length > 0 && { parameters: [...pathParameters, ...queryParameters] }),
    ...(described?.body && {
      requestBody: {
        required: true,
        ...(described.body.description && { description: described.body.description }),
        content: Object.fromEntries((described.body.media ?? ['application/json']).map((media) => [media, { schema: refFor(described.body!.schema) }])),
      },
    }),
    responses: {
      [String(success.status)]: { description: success.description, content: { [success.media ?? 'application/json']: success.schema ? { schema: refFor(success.schema) } : {} } },
      ...errors,
    },
  };
}

/** A greedy `{name+}` (the last segment) matches one or more segments, as in API Gateway. */
export const isGreedy = (route: RouteDefinition) => /\{\w+\+\}$/.test(route.path);
const pathPattern = (path: string) => new RegExp(`^${path.replace(/\{\w+\+\}$/, '.+').replace(/\{\w+\}/g, '[^/]+')}$`);

/**
 * Every route the pipeline declares, and before a route with a path parameter, each path of the contract that
 * it serves (`GET /admin/reports/{report}` serves `/admin/reports/summary`, `…/trend`…): one HTTP route, and
 * each report still documented with its own query. A greedy route (`/dashboard/{page+}`) is documented by the
 * pages it serves only: an OpenAPI path parameter cannot span segments, and any other page is a 404.
 */
export function documentedRoutes(): RouteDefinition[] {
  const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
  return routes.flatMap((route) => {
    if (!route.path.includes('{')) return [route];
    const served = Object.keys(contract)
      .map((key) => ({ method: key.slice(0, key.indexOf(' ')), path: key.slice(key.indexOf(' ') + 1) }))
      .filter((c) => c.method === route.method && !declared.has(`${c.method} ${c.path}`) && pathPattern(route.path).test(c.path));
    return [...served.map((c) => ({ ...route, path: c.path })), ...(isGreedy(route) ? [] : [route])];
  });
}

const WEBHOOK_HEADERS = {
  'webhook-id': 'the event id: the same on every retry of one event; drop a request whose id you have seen',
  'webhook-timestamp': 'seconds since the epoch when this attempt was signed; refuse one more than 5 minutes off',
  'webhook-signature': 'space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, one per active secret (two during a rotation)',
};

/**
 * What a webhook destination receives (OpenAPI 3.1 `webhooks`): a signed POST per event, following the
 * Standard Webhooks specification. Slack and Teams destinations get a chat message built from the same event.
 */
function webhookOperations() {
  return Object.fromEntries(
    Object.entries(EVENT_SCHEMAS).map(([type, schema]) => {
      const { $schema: _s, ...body } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
      return [
        type,
        {
          post: {
            operationId: `event${type.split('.').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')}`,
            summary: `${type}, version ${EVENT_VERSION}`,
            description: 'Sent at least once: verify the signature with your `whsec_` secret (any Standard Webhooks library) and drop ids you have already seen. Answer 2xx within 5 s; anything else is retried with backoff for a day and a half; 410 Gone disables the destination.',
            parameters: Object.entries(WEBHOOK_HEADERS).map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } })),
            requestBody: { required: true, content: { 'application/json': { schema: body } } },
            responses: { '2XX': { description: 'taken' }, '410': { description: 'gone: the destination is disabled' }, default: { description: 'not taken: retried later' } },
          },
        },
      ];
    }),
  );
}

/** The OpenAPI 3.1 document of every route the pipeline declares (and each path a parameterised or greedy one serves). */
export function openApiDocument(serverUrl?: string) {
  const { schemas, refFor } = componentSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of documentedRoutes()) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route, contract[`${route.method} ${route.path}` as RouteKey], refFor);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CX feedback pipeline',
      version: API_VERSION,
      description: 'Multichannel customer-experience feedback: surveys, responses from every channel, cases and alerts. Errors share one shape: `{"error":{"code","message","details":[{"field","message"}]}}`.',
    },
    ...(serverUrl && { servers: [{ url: serverUrl }] }),
    paths,
    webhooks: webhookOperations(),
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'the same API key as a bearer token' },
      },
      schemas: {
        ...schemas,
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  };
}
