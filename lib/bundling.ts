import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { bundleAliases, type BundleSettings } from './bundle-aliases';

/**
 * How every handler is bundled; `npm run bench` and the bundle test build with the same options, so measured
 * sizes and load times are the deployed ones.
 * - ESM with tree shaking; packages' ESM builds first (`module`), so unused exports are dropped.
 * - The AWS SDK is bundled: measured, an ESM bundle carrying its SDK loads faster than one importing the
 *   runtime's CommonJS SDK (each such import goes through the CommonJS interop), and the SDK version is ours.
 * - Source maps in a file of their own, without sources: with ESM, `--enable-source-maps` costs no load time.
 * - Two modules are swapped for what a function needs of them (see {@link bundleAliases}): a bundle's load time
 *   grows with its size, and these two were a third of it.
 */
export const BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node24',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require() on Node's built-ins.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  externalModules: [] as string[],
} as const;

/** Node options of every function: stack traces through the source maps. */
export const NODE_OPTIONS = '--enable-source-maps';

/** `BUNDLING` as esbuild's own options, for building a handler outside CDK. */
export function esbuildOptions(entry: string, outfile: string, settings: BundleSettings = {}): BuildOptions {
  return {
    entryPoints: [entry],
    alias: bundleAliases(settings),
    outfile,
    bundle: true,
    platform: 'node',
    minify: BUNDLING.minify,
    target: BUNDLING.target,
    format: 'esm',
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    sourcemap: BUNDLING.sourceMap ? 'external' : false,
    sourcesContent: BUNDLING.sourcesContent,
    external: [...BUNDLING.externalModules],
    logLevel: 'silent',
  };
}

export { bundleAliases, type BundleSettings } from './bundle-aliases';

/** The aliases as `NodejsFunction` passes them to esbuild. */
export const aliasArgs = (settings: BundleSettings = {}) => ({ '--alias': Object.entries(bundleAliases(settings)).map(([from, to]) => `${from}=${to}`) });
