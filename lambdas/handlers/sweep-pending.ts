import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { sweepPending, type SweepReport } from '../domain/loop/processing';
import { processingDeps } from '../shared/processing-deps';
import { logger, metrics } from '../shared/powertools';

/** Left alone: the stream is normally done within seconds and retries for minutes before giving up. */
const DEFAULT_OLDER_THAN_SECONDS = 600;

const SweepRequestSchema = z.object({
  olderThanSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(30 * 86400)), DEFAULT_OLDER_THAN_SECONDS),
  limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 200),
});

/**
 * Scheduled sweeper (and `npm run cli -- replay`): finishes responses the stream did not, and reports what
 * it did. `PendingResponses` is what is still unfinished afterwards; an alarm watches it.
 */
export const handler = middy(async (event: unknown): Promise<SweepReport> => {
  // Only the schedule and operators invoke this; a malformed request fails loudly.
  const request = SweepRequestSchema.parse(event ?? {});
  const report = await sweepPending(await processingDeps(), {
    olderThanMs: request.olderThanSeconds * 1000,
    limit: request.limit,
    onFailure: (responseId, error) => logger.warn('pending response not finished', { responseId, error: (error as Error).message }),
  });
  metrics.addMetric('PendingResponses', MetricUnit.Count, report.failed.length);
  metrics.addMetric('ResponsesRecovered', MetricUnit.Count, report.completed);
  if (report.found > 0) logger.info('sweep finished', { ...report, failed: report.failed.length });
  return report;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
