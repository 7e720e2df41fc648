/**
 * Each handler bundled as the stack bundles it (ESM, the AWS SDK inside) and, for comparison, as CommonJS
 * importing the SDK the Lambda runtime provides: bytes, how long a fresh Node process takes to load each (the
 * median of `loads` processes per handler, taken in rounds over every handler so that a noisy moment of the
 * machine hits all of them alike), and the process's resident memory once loaded. Bytes of the second variant
 * are the handler's own code and dependencies. Every handler whose deployed bundle loads in over
 * {@link LOAD_BUDGET_MS} is listed with the modules that weigh most in it (esbuild's metafile).
 */
import { build, type Metafile } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { esbuildOptions, NODE_OPTIONS } from '../lib/bundling';
import { handlers, handlersInUse, type HandlerName } from '../lambdas/pipeline';

const ROOT = resolve(__dirname, '..');
const run = promisify(execFile);
/** The cold module load every handler must stay within, on the machine the bench runs on. */
export const LOAD_BUDGET_MS = 100;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

type Sample = { ms: number; rss: number };

/** One fresh process loading a bundle: how long the import took, and the resident memory after it. */
async function loadOnce(file: string, esm: boolean): Promise<Sample> {
  const report = 'console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t) / 1e6, rss: process.memoryUsage().rss }))';
  const code = esm ? `const t = process.hrtime.bigint(); await import(${JSON.stringify(file)}); ${report}` : `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); ${report}`;
  const args = [...(esm ? [NODE_OPTIONS, '--input-type=module'] : []), '-e', code];
  const { stdout } = await run(process.execPath, args, { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', POWERTOOLS_DEV: '' } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const summary = (samples: Sample[]) => ({ loadMs: Math.round(median(samples.map((s) => s.ms)) * 10) / 10, rssMbLoaded: Math.round(median(samples.map((s) => s.rss)) / 2 ** 20) });

/** The packages (or, for the project's own code, folders) that weigh most in a bundle. */
function heaviest(metafile: Metafile, top = 8): { module: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)!;
  for (const [file, input] of Object.entries(output.inputs)) {
    const module = file.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? file.split('/').slice(0, -1).join('/');
    bytes.set(module, (bytes.get(module) ?? 0) + input.bytesInOutput);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, size]) => ({ module, bytes: size }));
}

export async function measureBundles(loads: number, names: readonly HandlerName[] = handlersInUse()) {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bundles-'));
  // The runtime's SDK, for the CommonJS variant: resolved from node_modules, as Lambda resolves /var/runtime.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const built = new Map<HandlerName, { esm: string; cjs: string; metafile: Metafile }>();
  for (const name of names) {
    const entry = join(ROOT, handlers[name].entry);
    const esm = join(dir, `${name}.mjs`);
    const { metafile } = await build({ ...esbuildOptions(entry, esm), metafile: true });
    const cjs = join(dir, `${name}.cjs`);
    await build({ ...esbuildOptions(entry, cjs), format: 'cjs', mainFields: undefined, banner: undefined, sourcemap: false, external: ['@aws-sdk/*'] });
    built.set(name, { esm, cjs, metafile });
  }
  const samples = new Map(names.map((name) => [name, { esm: [] as Sample[], cjs: [] as Sample[] }]));
  for (let round = 0; round < loads; round++) {
    for (const name of names) {
      const { esm, cjs } = built.get(name)!;
      samples.get(name)!.esm.push(await loadOnce(esm, true));
      samples.get(name)!.cjs.push(await loadOnce(cjs, false));
    }
  }
  const deployed: Record<string, { bytes: number; loadMs: number; rssMbLoaded: number }> = {};
  const sdkFromRuntime: Record<string, { bytes: number; loadMs: number; rssMbLoaded: number }> = {};
  for (const name of names) {
    const { esm, cjs } = built.get(name)!;
    deployed[name] = { bytes: statSync(esm).size, ...summary(samples.get(name)!.esm) };
    sdkFromRuntime[name] = { bytes: statSync(cjs).size, ...summary(samples.get(name)!.cjs) };
  }
  const ratio = (n: HandlerName) => deployed[n].loadMs / sdkFromRuntime[n].loadMs;
  const loadsOfEach = Object.values(deployed).map((d) => d.loadMs);
  return {
    loadsPerHandler: loads,
    deployed,
    sdkFromRuntime,
    deployedFasterIn: names.filter((n) => ratio(n) < 1).length,
    of: names.length,
    medianLoadRatioDeployedOverSdkFromRuntime: Math.round(median(names.map(ratio)) * 100) / 100,
    deployedLoadMs: { median: median(loadsOfEach), max: Math.max(...loadsOfEach), budget: LOAD_BUDGET_MS },
    overBudget: names
      .filter((n) => deployed[n].loadMs > LOAD_BUDGET_MS)
      .map((n) => ({ handler: n, loadMs: deployed[n].loadMs, bytes: deployed[n].bytes, heaviest: heaviest(built.get(n)!.metafile) })),
  };
}

if (require.main === module) {
  const names = process.argv[2] ? (process.argv[2].split(',') as HandlerName[]) : undefined;
  measureBundles(Number(process.env.BENCH_LOADS ?? 7), names).then((r) => console.log(JSON.stringify(r, null, 2)));
}
