import type { Command } from 'commander';
import { CliError } from './api';
import { checkSurveyOption, invokeFunction, lambdaClient, type AwsOptions } from './aws';

/* `cx digests send`: runs the digest step of the escalation function now, for testing a survey's digest setting. */

interface DigestReport {
  runs: { surveyId: string; period: string; emailed: number; skippedEmpty: number; events: number }[];
  emailed: number;
  skippedEmpty: number;
  alreadyDone: number;
  failed: { surveyId: string; recipient: string; message: string }[];
}

export function addDigestCommands(program: Command, withAws: (c: Command) => Command): void {
  const digests = program.command('digests').description("surveys' daily and weekly digests (set in a survey's alert.digest)");
  withAws(
    digests
      .command('send')
      .description("send the digests due now (or as of --now) that are not sent yet, as the 5-minute escalation run does; a period's digest goes once"),
  )
    .option('--survey <id>', 'only this survey')
    .option('--now <iso>', 'the time to run as, e.g. 2026-12-02T08:05:00Z (default: now): which period is due depends on it')
    .option('--function <name>', 'the escalation function (default: $ESCALATION_FUNCTION, or "escalateCases" locally; in AWS the EscalationFunctionName output)')
    .action(async (options: AwsOptions & { survey?: string; now?: string; function?: string }) => {
      checkSurveyOption(options.survey);
      if (options.now !== undefined && Number.isNaN(Date.parse(options.now))) throw new CliError('--now must be an ISO 8601 time, e.g. 2026-12-02T08:05:00Z', 2);
      const lambda = await lambdaClient(options);
      const request = { digests: { ...(options.survey && { surveyId: options.survey }), ...(options.now && { now: new Date(options.now).toISOString() }) } };
      const name = options.function ?? process.env.ESCALATION_FUNCTION ?? 'escalateCases';
      const report = ((await invokeFunction(lambda, name, request, 'The digest run failed')) as { digests: DigestReport }).digests;
      for (const run of report.runs) console.log(`  ${run.surveyId} ${run.period}: ${run.emailed} e-mailed, ${run.skippedEmpty} skipped (nothing to say), ${run.events} event deliveries queued`);
      for (const f of report.failed) console.log(`  FAILED ${f.surveyId} ${f.recipient}: ${f.message} (released: the next run retries)`);
      console.log(`Digests: ${report.emailed} e-mailed, ${report.skippedEmpty} skipped as empty, ${report.alreadyDone} survey(s) already done for the period, ${report.failed.length} failed.`);
      if (options.survey && report.runs.length === 0 && report.alreadyDone === 0 && report.failed.length === 0) console.log(`Survey ${options.survey} sends no digest: it has no alert.digest, is archived, or does not exist.`);
      if (report.failed.length) process.exitCode = 1;
    });
}
