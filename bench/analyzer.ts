/**
 * What reading one comment costs the consumer that does it: the built-in analyzer's module load and the
 * memory its models take (in a fresh Node process), and the time per comment over the 800 labelled customer
 * comments of test/eval, read three times (p50 and p99).
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..');

const SCRIPT = `
const before = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
const { readComment } = require(${JSON.stringify(join(ROOT, 'lambdas/domain/comments/analyze'))});
const { builtinReader } = require(${JSON.stringify(join(ROOT, 'lambdas/domain/comments/reading/builtin-reader'))});
const { DEFAULT_TAXONOMY } = require(${JSON.stringify(join(ROOT, 'lambdas/domain/comments/themes/taxonomy'))});
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const { themeSet } = require(${JSON.stringify(join(ROOT, 'test/eval/datasets'))});
(async () => {
  const texts = themeSet().map((e) => e.text);
  await readComment(builtinReader, DEFAULT_TAXONOMY, texts[0]);
  const ms = [];
  for (let round = 0; round < 3; round++) for (const text of texts) {
    const t = process.hrtime.bigint();
    await readComment(builtinReader, DEFAULT_TAXONOMY, text);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(JSON.stringify({ loadMs, rssMbModels: (process.memoryUsage().rss - before) / 2 ** 20, ms }));
})();`;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function measureAnalyzer() {
  // tsx compiles the TypeScript sources; the module load includes that, so it is an upper bound of the bundle's.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8', maxBuffer: 10_000_000 });
  const { loadMs, rssMbModels, ms } = JSON.parse(stdout.trim().split('\n').pop()!) as { loadMs: number; rssMbModels: number; ms: number[] };
  const sorted = [...ms].sort((a, b) => a - b);
  return { comments: ms.length, perCommentMs: { p50: round(quantile(sorted, 0.5), 3), p99: round(quantile(sorted, 0.99), 3) }, moduleLoadMs: round(loadMs, 1), rssMbAfterLoadAndReads: round(rssMbModels, 1) };
}

if (require.main === module) measureAnalyzer().then((r) => console.log(JSON.stringify(r, null, 2)));
