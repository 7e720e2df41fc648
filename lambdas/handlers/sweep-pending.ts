import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../domain/kernel/zod';
import { safeKey } from '../domain/kernel/identifier-schemas';
import { loadSurvey } from '../domain/intake/submissions';
import { reanalyzeComments, type ReanalysisReport } from '../domain/loop/comment-analysis';
import { parkedResponses, retryParked, sweepPending, type ParkedResponse, type ProcessingDeps, type SweepReport } from '../domain/loop/processing';
import { deliveryStore, responseStore } from '../shared/dependencies';
import { deliver } from '../shared/destination-deps';
import { processingDeps } from '../shared/processing-deps';
import { logger, metrics } from '../shared/powertools';

/** Left alone: the stream is normally done within seconds and retries for minutes before giving up. */
const DEFAULT_OLDER_THAN_SECONDS = 600;

const SweepRequestSchema = z.object({
  olderThanSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(30 * 86400)), DEFAULT_OLDER_THAN_SECONDS),
  limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 200),
  /** Put the parked responses back in front of the sweep first. */
  retryParked: z._default(z.boolean(), false),
  /** Only say what is parked; sweep nothing. */
  listOnly: z._default(z.boolean(), false),
  /** Read a survey's comments again instead (`cx comments reanalyze`), one page per call. */
  reanalyze: z.optional(
    z.object({
      surveyId: safeKey(64),
      all: z._default(z.boolean(), false),
      limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(500)), 200),
      cursor: z.optional(z.string().check(z.maxLength(2000))),
    }),
  ),
});

/**
 * Scheduled sweeper (and `npm run cli -- replay`): finishes responses the stream did not, and reports what
 * it did and what is parked. `PendingResponses` is what is still unfinished afterwards, `ParkedResponses`
 * what failed too often; alarms watch both. `retryParked` puts the parked ones back first.
 */
export const handler = middy(async (event: unknown): Promise<(SweepReport & { parked: ParkedResponse[]; unparked: number }) | ReanalysisReport> => {
  // Only the schedule and operators invoke this; a malformed request fails loudly.
  const request = SweepRequestSchema.parse(event ?? {});
  const deps = await processingDeps();
  if (request.reanalyze) return reanalyze(deps, request.reanalyze);
  if (request.listOnly) return { found: 0, completed: 0, superseded: 0, alerts: 0, failed: [], parked: await parkedResponses(deps, 1000), unparked: 0 };
  const unparked = request.retryParked ? await retryParked(deps, 1000) : 0;
  const report = await sweepPending(deps, {
    olderThanMs: request.olderThanSeconds * 1000,
    limit: request.limit,
    onFailure: (responseId, error) => logger.warn('pending response not finished', { responseId, error: (error as Error).message }),
  });
  // Deliveries whose last attempt failed and whose next one is due (backoff with jitter, for a day and a half).
  const due = await deliveryStore().listDueDeliveries(new Date(), 100);
  let redelivered = 0;
  // Ten at a time: one receiver that never answers costs its 5 s once per group, not once per delivery.
  for (let i = 0; i < due.length; i += 10) {
    const outcomes = await Promise.all(due.slice(i, i + 10).map((delivery) => deliver(delivery)));
    redelivered += outcomes.filter((o) => o === 'delivered').length;
  }
  if (due.length > 0) logger.info('deliveries retried', { due: due.length, delivered: redelivered });
  // Parked responses wait for an operator: the ParkedResponses alarm says so until they are retried or gone.
  const parked = await parkedResponses(deps, 100);
  metrics.addMetric('PendingResponses', MetricUnit.Count, report.failed.length);
  metrics.addMetric('ResponsesRecovered', MetricUnit.Count, report.completed);
  metrics.addMetric('ParkedResponses', MetricUnit.Count, parked.length);
  if (report.found > 0 || parked.length > 0) logger.info('sweep finished', { ...report, failed: report.failed.length, parked: parked.length, unparked });
  return { ...report, parked, unparked };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

async function reanalyze(deps: ProcessingDeps, request: { surveyId: string; all: boolean; limit: number; cursor?: string }): Promise<ReanalysisReport> {
  const survey = await loadSurvey(deps.surveys, request.surveyId);
  const report = await reanalyzeComments({ reader: deps.reader, now: deps.now, analyses: responseStore(), responses: responseStore() }, survey, request);
  metrics.addMetric('CommentsAnalyzed', MetricUnit.Count, report.analyzed);
  return report;
}
