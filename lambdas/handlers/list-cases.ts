import { z } from 'zod';
import { SEVERITIES } from '../domain/scoring';
import { validationError } from '../domain/errors';
import { externalId } from '../domain/identifiers';
import { caseScopeOf } from '../domain/roles';
import { callerOf } from '../shared/caller';
import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest, zodDetails } from '../shared/http';

const CaseQuerySchema = z
  .object({
    status: z.enum(['open', 'acknowledged', 'resolved', 'escalated']).optional(),
    owner: z.email().optional(),
    team: externalId(64).optional(),
    surveyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    touchpoint: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/).optional(),
    severity: z.enum(SEVERITIES).optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
    /** Cases opened from this date on. @default 12 months back */
    since: z.iso.date().optional(),
  })
  .strip();

/** `GET /admin/cases`: cases by the month they opened, newest or oldest first, filtered, paginated. */
export const handler = httpHandler(async (event) => {
  const page = pageRequest(event);
  const parsed = CaseQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('the case filter is not valid', zodDetails(parsed.error.issues));
  const { order, since, ...filter } = parsed.data;
  const now = new Date();
  const window = since ? new Date(`${since}T00:00:00Z`) : new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1));
  if (window > now) throw validationError('since must not be in the future', [{ field: 'since', message: 'in the future' }]);
  const scope = caseScopeOf(callerOf(event));
  return json(200, await feedbackStore().listCases(filter, { ...page, order, since: window, now, ...(scope && { scope }) }));
});
