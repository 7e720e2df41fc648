import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { caseUrl } from '../domain/loop/alerting';
import { escalateDueCases } from '../domain/loop/cases';
import { alertingDeps } from '../shared/alerting-deps';
import { logger, metrics } from '../shared/powertools';

/** Scheduled: escalates unresolved cases past their acknowledge or resolve deadline, once per level. */
export const handler = middy(async () => {
  const deps = await alertingDeps();
  const report = await escalateDueCases({ ...deps, caseLink: (kase, recipient) => caseUrl(deps, { id: kase.id, owner: recipient }) });
  metrics.addMetric('CasesEscalated', MetricUnit.Count, report.escalated);
  metrics.addMetric('EscalationNoticesFailed', MetricUnit.Count, report.failed.length);
  // A notice that cannot be sent fails the invocation, so the function's error alarm says so; the next run retries.
  if (report.failed.length) throw new Error(`escalation notices not sent for ${report.failed.length} case(s), retried next run: ${report.failed.slice(0, 20).join(', ')}`);
  return report;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
