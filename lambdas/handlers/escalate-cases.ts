import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { caseUrl } from '../domain/loop/alerting';
import { escalateDueCases, parkedCases, retryParkedCases } from '../domain/loop/cases';
import { alertingDeps } from '../shared/alerting-deps';
import { digestRequestOf, runDigests } from '../shared/digests';
import { logger, metrics } from '../shared/powertools';

/**
 * Scheduled: escalates unresolved cases past their acknowledge or resolve deadline, once per level. A notice
 * that fails waits longer each run and is parked after repeated failures (`ParkedEscalations`, alarmed);
 * `{"retryParked": true}` (`cx replay --parked`) puts parked ones back first. Each run then sends the digests
 * that are due (see domain/destinations/digests.ts); `{"digests": {"surveyId"?, "now"?}}` (`cx digests send`) sends
 * only those.
 */
export const handler = middy(async (event: unknown) => {
  const digestRequest = digestRequestOf(event);
  if (digestRequest) return { digests: await runDigests(digestRequest) };
  const deps = await alertingDeps();
  if ((event as { listOnly?: unknown } | null)?.listOnly === true) return { escalated: 0, notices: 0, failed: [], parked: await parkedCases(deps, 1000), unparked: 0 };
  const unparked = (event as { retryParked?: unknown } | null)?.retryParked === true ? await retryParkedCases(deps, 1000) : 0;
  const report = await escalateDueCases({ ...deps, caseLink: (kase, recipient) => caseUrl(deps, { id: kase.id, owner: recipient }) });
  const parked = await parkedCases(deps, 100);
  metrics.addMetric('ParkedEscalations', MetricUnit.Count, parked.length);
  metrics.addMetric('CasesEscalated', MetricUnit.Count, report.escalated);
  metrics.addMetric('EscalationNoticesFailed', MetricUnit.Count, report.failed.length);
  const digests = await runDigests();
  metrics.addMetric('DigestsSent', MetricUnit.Count, digests.emailed);
  metrics.addMetric('DigestsSkippedEmpty', MetricUnit.Count, digests.skippedEmpty);
  metrics.addMetric('DigestsFailed', MetricUnit.Count, digests.failed.length);
  // A notice that cannot be sent fails the invocation, so the function's error alarm says so; the next run retries.
  if (report.failed.length) throw new Error(`escalation notices not sent for ${report.failed.length} case(s), retried next run: ${report.failed.slice(0, 20).join(', ')}`);
  if (digests.failed.length) throw new Error(`digests not sent for ${digests.failed.length} recipient(s), retried next run: ${digests.failed.slice(0, 20).map((f) => `${f.surveyId} ${f.recipient}: ${f.message}`).join('; ')}`);
  return { ...report, parked, unparked, digests };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
