import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { rebuildAggregates, verifyAggregates, type VerifyReport } from '../domain/insight/rebuild';
import { reportRange } from '../domain/insight/reports';
import { validationError } from '../domain/kernel/errors';
import { aggregateStore, responseStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

/** Long enough for the responses index to show writes made before the hold, and for the stream to catch up. */
const DEFAULT_SETTLE_SECONDS = 10;

const MaintenanceRequestSchema = z.object({
  action: z.enum(['verify', 'rebuild']),
  surveyId: z.string().check(z.minLength(1), z.maxLength(64)),
  from: z.optional(z.iso.date()),
  to: z.optional(z.iso.date()),
  settleSeconds: z._default(z.number().check(z.gte(0), z.lte(120)), DEFAULT_SETTLE_SECONDS),
});

/**
 * Invoked by `cx aggregates verify|rebuild` (operators only, never over HTTP): recomputes a survey's cells
 * over a range (default the last 90 days, at most 400) from its stored responses, lists what differs and,
 * for `rebuild`, rewrites them while the stream keeps writing.
 */
export const handler = middy(async (event: unknown): Promise<VerifyReport> => {
  const parsed = MaintenanceRequestSchema.safeParse(event ?? {});
  if (!parsed.success) throw validationError('not a maintenance request', parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'request', message: i.message })));
  const request = parsed.data;
  const range = reportRange(request, new Date());
  if ('field' in range) throw validationError('the range is not valid', [range]);
  const deps = { aggregates: aggregateStore(), responses: responseStore(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
  const report =
    request.action === 'verify'
      ? await verifyAggregates(deps, request.surveyId, range)
      : await rebuildAggregates(deps, request.surveyId, range, new Date(), request.settleSeconds * 1000);
  logger.info(`aggregates ${request.action}`, { surveyId: request.surveyId, range, differences: report.differences.length, responses: report.responses });
  return report;
}).use(injectLambdaContext(logger, { resetKeys: true }));
