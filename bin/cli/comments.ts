import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { readComment } from '../../lambdas/domain/comments/analyze';
import { builtinReader } from '../../lambdas/domain/comments/reading/builtin-reader';
import { DEFAULT_TAXONOMY, taxonomyOf, ThemeSetRequestSchema, type Taxonomy } from '../../lambdas/domain/comments/themes/taxonomy';
import { TEXT_ANSWER_MAX } from '../../lambdas/domain/surveys/response';
import { adminApi, CliError, type ApiOptions } from './api';
import { invokeFunction, lambdaClient, type AwsOptions } from './aws';
import { readJsonOrYaml } from './files';

/* `cx comments …` and `cx surveys themes …`: trying the analyzer on text, reading stored comments again, a survey's themes. */

type Options = ApiOptions & AwsOptions;

/** A theme set from a JSON or YAML file (the body of PUT …/themes), checked like the API checks it. */
async function themeSetFile(file: string) {
  const raw = await readJsonOrYaml(file);
  const parsed = ThemeSetRequestSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'themes'}: ${i.message}`).join('; ')}`, 2);
  return parsed.data;
}

const themesPath = (surveyId: string) => `/admin/surveys/${encodeURIComponent(surveyId)}/themes`;

export function addCommentCommands(program: Command, surveys: Command, withApi: (c: Command) => Command, withAws: (c: Command) => Command): void {
  const comments = program.command('comments').description('what comments say: sentiment and themes');

  comments
    .command('analyze')
    .description('read one comment per line on standard input and print one JSON line per comment, with the analyzer the pipeline uses (built in)')
    .option('--themes <file>', "a theme set to try (JSON or YAML, the body of PUT /admin/surveys/{id}/themes) instead of the default taxonomy")
    .option('--survey <id>', "use this survey's themes (read from the API: --api, --key)")
    .option('--api <url>', 'API base URL, with --survey (default: $CX_API_URL or http://127.0.0.1:3000)')
    .option('--key <key>', 'API key, with --survey (default: $CX_API_KEY)')
    .action(async (options: ApiOptions & { themes?: string; survey?: string }) => {
      if (options.themes && options.survey) throw new CliError('Pass --themes or --survey, not both.', 2);
      let taxonomy: Taxonomy = DEFAULT_TAXONOMY;
      if (options.themes) taxonomy = taxonomyOf({ surveyId: '(file)', version: 1, ...(await themeSetFile(options.themes)) });
      if (options.survey) {
        const set = await adminApi(options).call<{ version: number; effective: Taxonomy['themes'] }>('GET', themesPath(options.survey));
        taxonomy = { version: set.version, themes: set.effective };
      }
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      let number = 0;
      for await (const line of lines) {
        number += 1;
        if (line.trim() === '') continue;
        // The longest answer the pipeline takes: a longer line is read as the pipeline would never see it.
        if (line.length > TEXT_ANSWER_MAX) console.error(`line ${number}: ${line.length} characters, read as its first ${TEXT_ANSWER_MAX} (the longest answer a survey takes)`);
        const { analyzer: _analyzer, ...reading } = await readComment(builtinReader, taxonomy, line.slice(0, TEXT_ANSWER_MAX));
        process.stdout.write(`${JSON.stringify(reading)}\n`);
      }
    });

  withAws(
    comments
      .command('reanalyze')
      .description("read a survey's stored comments again: those never analysed or analysed under an earlier theme set (after PUT …/themes), or with --all every one; the aggregates follow"),
  )
    .requiredOption('--survey <id>', 'the survey')
    .option('--all', 'every comment, also those already read under the current themes (after the analyzer itself changed)')
    .option('--function <name>', 'the function that reads them (default: $SWEEPER_FUNCTION, or "sweepPending" locally; in AWS the SweeperFunctionName output)')
    .action(async (options: Options & { survey: string; all?: boolean; function?: string }) => {
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(options.survey) || ['__proto__', 'constructor', 'prototype'].includes(options.survey)) throw new CliError(`--survey: "${options.survey.slice(0, 64)}" is not a survey id`, 2);
      const lambda = await lambdaClient(options);
      const name = options.function ?? process.env.SWEEPER_FUNCTION ?? 'sweepPending';
      const totals = { read: 0, analyzed: 0, superseded: 0 };
      let cursor: string | undefined;
      do {
        const request = { reanalyze: { surveyId: options.survey, all: Boolean(options.all), limit: 200, ...(cursor && { cursor }) } };
        const page = (await invokeFunction(lambda, name, request, `Reading the comments failed after ${totals.read} response(s)`)) as { read: number; analyzed: number; superseded: number; nextCursor?: string };
        totals.read += page.read;
        totals.analyzed += page.analyzed;
        totals.superseded += page.superseded;
        cursor = page.nextCursor;
      } while (cursor);
      console.log(`Survey ${options.survey}: ${totals.read} response(s) read, ${totals.analyzed} comment(s) analysed, ${totals.superseded} superseded by newer answers (read with them).`);
    });

  withApi(surveys.command('themes').description("a survey's comment themes: print them (with the effective taxonomy), or set or reset them").argument('<surveyId>'))
    .option('--set <file>', 'extend or replace the default taxonomy with the theme set in this JSON or YAML file')
    .option('--reset', 'go back to the default taxonomy')
    .action(async (id: string, options: ApiOptions & { set?: string; reset?: boolean }) => {
      const api = adminApi(options);
      if (options.set && options.reset) throw new CliError('Pass --set or --reset, not both.', 2);
      if (!options.set && !options.reset) {
        console.log(JSON.stringify(await api.call('GET', themesPath(id)), null, 2));
        return;
      }
      const body = options.set ? await themeSetFile(options.set) : undefined;
      const { version } = await api.call<{ version: number }>('GET', themesPath(id));
      const saved = await api.call<{ version: number; mode: string; themes: unknown[]; effective: unknown[] }>(options.set ? 'PUT' : 'DELETE', themesPath(id), body, { 'if-match': `"${version}"` });
      console.log(`Survey ${id}: themes version ${saved.version} (${saved.themes.length ? `${saved.mode}, ${saved.themes.length} theme(s) of its own` : 'the default taxonomy'}; ${saved.effective.length} in effect). Stored comments keep their themes until: cx comments reanalyze --survey ${id}`);
    });
}
