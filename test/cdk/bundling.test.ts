import { build } from 'esbuild';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aliasArgs, bundleAliases, esbuildOptions } from '../../lib/bundling';
import * as tracerDisabled from '../../lambdas/shared/tracer-disabled';
import { sourceFiles } from '../unit/support/source-files';

const ROOT = join(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'cx-bundling-'));

/** The packages a handler's bundle carries, from esbuild's metafile. */
async function packagesOf(handler: string, tracing: boolean): Promise<Set<string>> {
  const result = await build({ ...esbuildOptions(join(ROOT, 'lambdas/handlers', handler), join(out, `${handler}-${tracing}.mjs`), { tracing }), metafile: true });
  const inputs = Object.keys(result.metafile.inputs);
  const packages = inputs.flatMap((file) => file.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? []);
  // A submodule the SDK imports on its own, counted apart from the rest of @smithy/core.
  return new Set([...packages, ...(inputs.some((file) => file.includes('@smithy/core/dist-es/submodules/event-streams/')) ? ['@smithy/core/event-streams'] : [])]);
}

describe('bundling', () => {
  it('leaves the credential chain beyond the environment, the SDK\'s event streams and, without tracing, the X-Ray SDK out of every bundle', async () => {
    const packages = await packagesOf('get-survey.ts', false);
    for (const left of ['aws-xray-sdk-core', '@smithy/core/event-streams', '@aws-lambda-powertools/tracer', '@aws-sdk/credential-provider-node', '@aws-sdk/credential-provider-sso', '@aws-sdk/credential-provider-ini', '@aws-sdk/nested-clients']) {
      expect({ left, bundled: packages.has(left) }).toEqual({ left, bundled: false });
    }
    expect(packages.has('@aws-sdk/credential-provider-env')).toBe(true);
    expect(packages.has('@aws-sdk/client-dynamodb')).toBe(true);
  });

  it('bundles the real Tracer when tracing is active', async () => {
    const packages = await packagesOf('get-survey.ts', true);
    expect(packages.has('@aws-lambda-powertools/tracer')).toBe(true);
    expect(packages.has('aws-xray-sdk-core')).toBe(true);
    expect(packages.has('@aws-sdk/credential-provider-node')).toBe(false);
  });

  it('stands in for every name the handlers import from the Tracer', () => {
    const imported = new Set(
      sourceFiles(join(ROOT, 'lambdas')).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/import \{([^}]*)\} from '@aws-lambda-powertools\/tracer(?:\/middleware)?'/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean)),
      ),
    );
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) expect({ name, provided: name in tracerDisabled }).toEqual({ name, provided: true });
  });

  it('gives NodejsFunction the same aliases as the bench and the tests', () => {
    for (const tracing of [false, true]) {
      expect(aliasArgs({ tracing })['--alias'].sort()).toEqual(Object.entries(bundleAliases({ tracing })).map(([from, to]) => `${from}=${to}`).sort());
    }
    expect(Object.values(bundleAliases()).every((path) => statSync(path).isFile())).toBe(true);
  });
});
