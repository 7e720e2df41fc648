import type { Command } from 'commander';
import type { MetricCheckReport } from '../../lambdas/domain/insight/metric-watch';
import { checkSurveyOption, invokeFunction, lambdaClient, type AwsOptions } from './aws';

/* `cx metrics check`: the metric alerts, now rather than at the next hour's scheduled run. */

export function addMetricCommands(program: Command, withAws: (c: Command) => Command): void {
  const metrics = program.command('metrics').description('alerts on the metrics themselves: significant NPS and CSAT drops, touchpoints and channels gone silent');
  withAws(
    metrics
      .command('check')
      .description('check every active survey (or one) now: each new episode e-mails the survey owner and sends metric.alert to destinations, once'),
  )
    .option('--survey <id>', 'only this survey')
    .option('--function <name>', 'the escalation function, which runs the check (default: $ESCALATION_FUNCTION, or "escalateCases" locally; in AWS the EscalationFunctionName output)')
    .action(async (options: AwsOptions & { survey?: string; function?: string }) => {
      checkSurveyOption(options.survey);
      const name = options.function ?? process.env.ESCALATION_FUNCTION ?? 'escalateCases';
      const request = { metricCheck: true, ...(options.survey && { surveyId: options.survey }) };
      const report = (await invokeFunction(await lambdaClient(options), name, request, 'The metric check failed')) as MetricCheckReport;
      console.log(
        `Checked ${report.surveys} survey(s): ${report.opened} episode(s) opened, ${report.holding} still open, ${report.recovered} recovered, ${report.inconclusive} inconclusive; ${report.notified.length} alert(s) sent, ${report.failed.length} failed.`,
      );
      for (const id of report.notified) console.log(`  sent    ${id}`);
      for (const f of report.failed) console.log(`  failed  ${f.episodeId}: ${f.message} (retried at the next check)`);
      for (const f of report.surveysFailed) console.log(`  not checked  survey ${f.surveyId}: ${f.message}`);
      if (options.survey && report.surveys === 0) console.log(`Survey ${options.survey} was not checked: it is archived or does not exist.`);
      if (report.failed.length || report.surveysFailed.length) process.exitCode = 1;
    });
}
