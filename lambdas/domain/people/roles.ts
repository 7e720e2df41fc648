import * as z from 'zod/mini';
import '../kernel/zod';
import type { ApiKeyRole } from '../../pipeline';
import { externalId } from '../kernel/identifier-schemas';

/**
 * What an API key may do:
 * - `admin`: everything.
 * - `manager`: the responses, customer profiles and cases of their scope (surveys and/or touchpoints, and
 *   teams for cases); acts on those cases. No survey set-up, imports, invitations, settings or keys.
 * - `analyst`: reports and survey definitions only; never a person's data.
 */
export const ROLES = ['admin', 'manager', 'analyst'] as const satisfies readonly ApiKeyRole[];
export type Role = ApiKeyRole;

const scopeList = (item: z.ZodMiniType<string>) => z.optional(z.array(item).check(z.minLength(1), z.maxLength(100)));

/** A manager's scope. Every dimension given must match; at least one is required. */
export const KeyScopeSchema = z.strictObject({
  surveys: scopeList(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a survey id'))),
  touchpoints: scopeList(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'a touchpoint'))),
  teams: scopeList(externalId(64)),
});
export type KeyScope = z.infer<typeof KeyScopeSchema>;

/** The body of a key creation: a name, a role and, for a manager, the scope. */
export const NewApiKeySchema = z.strictObject({
  name: externalId(64),
  role: z._default(z.enum(ROLES), 'admin'),
  scope: z.optional(KeyScopeSchema),
  /** The holder's address: the cases they own are theirs in the dashboard's inbox. */
  email: z.optional(z.email().check(z.maxLength(254))),
}).check(z.superRefine((key, ctx) => {
  const dimensions = key.scope ? Object.values(key.scope).filter((list) => list?.length).length : 0;
  if (key.role === 'manager' && dimensions === 0) {
    ctx.addIssue({ code: 'custom', path: ['scope'], message: 'a manager needs a scope: surveys, touchpoints and/or teams' });
  }
  if (key.role !== 'manager' && key.scope) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'only a manager key has a scope' });
}));
export type NewApiKey = z.infer<typeof NewApiKeySchema>;

/** Who called, as the authorizer found them. */
export interface Caller {
  readonly keyName: string;
  readonly role: Role;
  readonly scope: KeyScope;
  /** The key holder's address, when the key names one (dashboard sessions only). */
  readonly email?: string;
}

export const mayCallRoute = (caller: Caller, allowed: readonly Role[]) => allowed.includes(caller.role);

/** A manager's survey/touchpoint scope: both given dimensions must hold, and one must be given. */
function inSurveyScope(scope: KeyScope, item: { readonly surveyId: string; readonly touchpoint?: string }): boolean {
  if (!scope.surveys && !scope.touchpoints) return false;
  if (scope.surveys && !scope.surveys.includes(item.surveyId)) return false;
  if (scope.touchpoints && !(item.touchpoint && scope.touchpoints.includes(item.touchpoint))) return false;
  return true;
}

/** Whether the caller may read this response (and so the person behind it). */
export function seesResponse(caller: Caller, response: { readonly surveyId: string; readonly touchpoint?: string }): boolean {
  if (caller.role === 'admin') return true;
  if (caller.role === 'analyst') return false;
  return inSurveyScope(caller.scope, response);
}

/** Whether the caller may read and act on this case: its response is in scope, or it belongs to one of their teams. */
export function seesCase(caller: Caller, kase: { readonly surveyId: string; readonly touchpoint?: string; readonly team?: string }): boolean {
  if (caller.role === 'admin') return true;
  if (caller.role === 'analyst') return false;
  if (kase.team && caller.scope.teams?.includes(kase.team)) return true;
  return inSurveyScope(caller.scope, kase);
}

/** Survey definitions hold no personal data: analysts read them all, managers those their scope does not exclude. */
export function seesSurvey(caller: Caller, surveyId: string): boolean {
  if (caller.role !== 'manager') return true;
  return caller.scope.surveys ? caller.scope.surveys.includes(surveyId) : true;
}

/** Whether the caller's reports count a touchpoint's answers: a manager scoped to touchpoints counts only theirs. */
export const countsTouchpoint = (caller: Caller, touchpoint: string) => caller.role !== 'manager' || !caller.scope.touchpoints || caller.scope.touchpoints.includes(touchpoint);

/** The case-listing restriction that keeps a manager to their cases, applied by the store as a filter. */
export function caseScopeOf(caller: Caller): KeyScope | undefined {
  return caller.role === 'admin' ? undefined : caller.scope;
}
