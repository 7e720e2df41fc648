/**
 * Each handler bundled as the stack bundles it (ESM, the AWS SDK inside) and, for comparison, as CommonJS
 * importing the SDK the Lambda runtime provides: bytes, and how long a fresh Node process takes to load each
 * (the median of `loads` processes), and the process's resident memory once loaded. Bytes of the second variant
 * are the handler's own code and dependencies.
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { esbuildOptions, NODE_OPTIONS } from '../lib/bundling';
import { handlers, handlersInUse, type HandlerName } from '../lambdas/pipeline';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median load time of fresh processes, and the resident memory of a process once the handler is loaded. */
async function load(file: string, esm: boolean, loads: number): Promise<{ loadMs: number; rssMbLoaded: number }> {
  const samples: { ms: number; rss: number }[] = [];
  const report = 'console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, rss: process.memoryUsage().rss }))';
  const code = esm ? `const t = process.hrtime.bigint(); await import(${JSON.stringify(file)}); ${report}` : `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); ${report}`;
  for (let i = 0; i < loads; i++) {
    const args = [...(esm ? [NODE_OPTIONS, '--input-type=module'] : []), '-e', code];
    const { stdout } = await run(process.execPath, args, { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', POWERTOOLS_DEV: '' } });
    samples.push(JSON.parse(stdout.trim().split('\n').pop()!));
  }
  return { loadMs: Math.round(median(samples.map((s) => s.ms)) * 10) / 10, rssMbLoaded: Math.round(median(samples.map((s) => s.rss)) / 2 ** 20) };
}

export async function measureBundles(loads: number, names: readonly HandlerName[] = handlersInUse()) {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bundles-'));
  // The runtime's SDK, for the CommonJS variant: resolved from node_modules, as Lambda resolves /var/runtime.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const deployed: Record<string, { bytes: number; loadMs: number; rssMbLoaded: number }> = {};
  const sdkFromRuntime: Record<string, { bytes: number; loadMs: number; rssMbLoaded: number }> = {};
  for (const name of names) {
    const entry = join(ROOT, handlers[name].entry);
    const esm = join(dir, `${name}.mjs`);
    await build(esbuildOptions(entry, esm));
    deployed[name] = { bytes: statSync(esm).size, ...(await load(esm, true, loads)) };
    const cjs = join(dir, `${name}.cjs`);
    await build({ ...esbuildOptions(entry, cjs), format: 'cjs', mainFields: undefined, banner: undefined, sourcemap: false, external: ['@aws-sdk/*'] });
    sdkFromRuntime[name] = { bytes: statSync(cjs).size, ...(await load(cjs, false, loads)) };
  }
  const ratio = (n: HandlerName) => deployed[n].loadMs / sdkFromRuntime[n].loadMs;
  return {
    deployed,
    sdkFromRuntime,
    deployedFasterIn: names.filter((n) => ratio(n) < 1).length,
    of: names.length,
    medianLoadRatioDeployedOverSdkFromRuntime: Math.round(median(names.map(ratio)) * 100) / 100,
  };
}

if (require.main === module) {
  const names = process.argv[2] ? (process.argv[2].split(',') as HandlerName[]) : undefined;
  measureBundles(Number(process.env.BENCH_LOADS ?? 5), names).then((r) => console.log(JSON.stringify(r, null, 2)));
}
