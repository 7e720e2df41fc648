import type { LocalRuntime } from '../local/runtime';

/** Runs one bench part on a fresh local runtime of its own and prints what it returns (`npx tsx bench/<part>.ts`). */
export function runStandalone(work: (runtime: LocalRuntime) => Promise<unknown>): void {
  void (async () => {
    const { startLocalRuntime } = await import('../local/runtime');
    const { ANY_FREE_PORTS } = await import('../local/ports');
    const runtime = await startLocalRuntime({ ports: ANY_FREE_PORTS, inMemory: true, scheduleIntervalMs: 0, log: () => undefined });
    try {
      console.log(JSON.stringify(await work(runtime), null, 2));
    } finally {
      await runtime.stop();
    }
  })();
}
