import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { caseUrl } from '../domain/loop/alerting';
import { escalateDueCases, parkedCases, retryParkedCases } from '../domain/loop/cases';
import { checkMetrics, hourlyMetricCheck, type MetricCheckReport } from '../domain/insight/metric-watch';
import { alertingDeps } from '../shared/alerting-deps';
import { metricWatchDeps } from '../shared/metric-watch-deps';
import { digestRequestOf, runDigests } from '../shared/digests';
import { logger, metrics } from '../shared/powertools';

/**
 * Scheduled: escalates unresolved cases past their acknowledge or resolve deadline, once per level. A notice
 * that fails waits longer each run and is parked after repeated failures (`ParkedEscalations`, alarmed);
 * `{"retryParked": true}` (`cx replay --parked`) puts parked ones back first.
 * Once an hour it also checks the metric alerts (significant drops, silent touchpoints and channels);
 * `{"metricCheck": true, "surveyId"?: "…"}` (`cx metrics check`) checks them now, and only that.
 * Each run then sends the digests that are due (see domain/destinations/digests.ts); `{"digests": {"surveyId"?,
 * "now"?}}` (`cx digests send`) sends only those.
 */
export const handler = middy(async (event: unknown) => {
  const digestRequest = digestRequestOf(event);
  if (digestRequest) return { digests: await runDigests(digestRequest) };
  const request = event as { metricCheck?: unknown; surveyId?: unknown } | null;
  if (request?.metricCheck === true) {
    if (request.surveyId !== undefined && (typeof request.surveyId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(request.surveyId))) throw new Error('surveyId must be a survey id');
    return countMetricAlerts(await checkMetrics(metricWatchDeps(), { ...(request.surveyId !== undefined && { surveyId: request.surveyId as string }) }));
  }
  const deps = await alertingDeps();
  if ((event as { listOnly?: unknown } | null)?.listOnly === true) return { escalated: 0, notices: 0, failed: [], parked: await parkedCases(deps, 1000), unparked: 0 };
  const unparked = (event as { retryParked?: unknown } | null)?.retryParked === true ? await retryParkedCases(deps, 1000) : 0;
  const report = await escalateDueCases({ ...deps, caseLink: (kase, recipient) => caseUrl(deps, { id: kase.id, owner: recipient }) });
  const parked = await parkedCases(deps, 100);
  metrics.addMetric('ParkedEscalations', MetricUnit.Count, parked.length);
  metrics.addMetric('CasesEscalated', MetricUnit.Count, report.escalated);
  metrics.addMetric('EscalationNoticesFailed', MetricUnit.Count, report.failed.length);
  // The escalations are done whatever the metric check does; a failed check fails the run below.
  const metricCheck = await hourlyMetricCheck(metricWatchDeps()).then(
    (checked) => checked && countMetricAlerts(checked),
    (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
  );
  // Like the metric check: a digest run that cannot even list the surveys fails the invocation below, after the rest is reported.
  const digests = await runDigests().catch((error: unknown) => ({ runs: [], emailed: 0, skippedEmpty: 0, alreadyDone: 0, failed: [{ surveyId: '*', recipient: '', message: error instanceof Error ? error.message : String(error) }] }));
  metrics.addMetric('DigestsSent', MetricUnit.Count, digests.emailed);
  metrics.addMetric('DigestsSkippedEmpty', MetricUnit.Count, digests.skippedEmpty);
  metrics.addMetric('DigestsFailed', MetricUnit.Count, digests.failed.length);
  // Anything not sent fails the invocation, so the function's error alarm says so; the next run retries it.
  const problems = [
    report.failed.length > 0 && `escalation notices not sent for ${report.failed.length} case(s), retried next run: ${report.failed.slice(0, 20).join(', ')}`,
    metricCheck && 'error' in metricCheck && `metric check failed, retried next hour: ${metricCheck.error}`,
    metricCheck && 'surveysFailed' in metricCheck && metricCheck.surveysFailed.length > 0 && `metric check failed for ${metricCheck.surveysFailed.length} survey(s), retried next hour: ${metricCheck.surveysFailed.slice(0, 20).map((f) => `${f.surveyId} (${f.message})`).join(', ')}`,
    metricCheck && 'failed' in metricCheck && metricCheck.failed.length > 0 && `metric alerts not sent for ${metricCheck.failed.length} episode(s), retried next hour: ${metricCheck.failed.slice(0, 20).map((f) => `${f.episodeId} (${f.message})`).join(', ')}`,
    digests.failed.length > 0 && `digests not sent for ${digests.failed.length} recipient(s), retried next run: ${digests.failed.slice(0, 20).map((f) => `${f.surveyId} ${f.recipient}: ${f.message}`).join('; ')}`,
  ].filter((problem) => typeof problem === 'string');
  if (problems.length > 0) throw new Error(problems.join(' · '));
  return { ...report, parked, unparked, ...(metricCheck && { metricCheck }), digests };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

/** Counts a metric check's notifications (MetricAlertsRaised) and failures (MetricAlertNoticesFailed, MetricChecksFailed). */
function countMetricAlerts(report: MetricCheckReport): MetricCheckReport {
  metrics.addMetric('MetricAlertsRaised', MetricUnit.Count, report.notified.length);
  metrics.addMetric('MetricAlertNoticesFailed', MetricUnit.Count, report.failed.length);
  metrics.addMetric('MetricChecksFailed', MetricUnit.Count, report.surveysFailed.length);
  return report;
}
