import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { DomainError } from '../domain/kernel/errors';
import { KeyScopeSchema, mayCallRoute, ROLES, type Caller } from '../domain/people/roles';
import { routes, type ApiKeyRole } from '../pipeline';
import type { HttpEvent, HttpResult } from './http';

/** What the API-key authorizer hands on: flat strings, since that is what its context carries safely. */
const AuthorizerContextSchema = z.object({
  keyName: z.string(),
  role: z.enum(ROLES),
  scope: z.pipe(z.optional(z.string()), z.transform((text, ctx) => {
    try {
      return KeyScopeSchema.parse(text ? JSON.parse(text) : {});
    } catch {
      ctx.issues.push({ code: 'custom', message: 'scope is not valid', input: ctx.value });
      return z.NEVER;
    }
  })),
});

/** The caller of an admin route, as the authorizer found them; a request without one is refused. */
export function callerOf(event: HttpEvent): Caller {
  const context = (event.requestContext as { authorizer?: { lambda?: unknown } }).authorizer?.lambda;
  const parsed = AuthorizerContextSchema.safeParse(context);
  if (!parsed.success) throw new DomainError(403, 'forbidden', 'a valid API key is required', [{ field: 'x-api-key', message: 'missing or not valid' }]);
  return parsed.data;
}

const rolesByRoute = new Map<string, readonly ApiKeyRole[]>(routes.flatMap((route) => (route.auth === 'apiKey' ? [[`${route.method} ${route.path}`, route.roles] as const] : [])));

/** "an admin key", "a manager key": a role's key with its article. */
export const aKeyOf = (role: string) => `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role} key`;

/**
 * Refuses, before the handler runs, a caller whose role the route does not allow (the routes declare their
 * roles in the pipeline definition). Scope within a route (which surveys, which cases) is the handler's part.
 */
export const routeRoles = (): MiddlewareObj<HttpEvent, HttpResult> => ({
  before: async (request) => {
    const allowed = rolesByRoute.get(request.event.routeKey);
    if (!allowed) return;
    const caller = callerOf(request.event);
    if (!mayCallRoute(caller, allowed)) {
      throw new DomainError(403, 'forbidden', `${aKeyOf(caller.role)} may not call ${request.event.routeKey}; allowed: ${allowed.join(', ')}`, [
        { field: 'x-api-key', message: `role ${caller.role} is not allowed here` },
      ]);
    }
  },
});

/** 403 naming the field for a survey or case the caller's scope does not cover. */
export const outOfScope = (field: string, what: string) =>
  new DomainError(403, 'forbidden', `${what} is outside this key's scope`, [{ field, message: 'outside the key\'s scope' }]);
