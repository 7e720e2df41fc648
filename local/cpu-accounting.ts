import { AsyncLocalStorage, createHook, type AsyncHook } from 'node:async_hooks';

/** Receives the CPU (µs, user + system) a stage just used in one synchronous slice of work. */
export type CpuSink = (stage: string, cpuMicros: number) => void;

export interface CpuAccounting {
  /** Runs `fn` as `stage`: its synchronous work, and every callback and promise reaction it starts, count for it. */
  within<T>(stage: string, fn: () => T): T;
  /** Starts charging slices to their stages (the async hook is off until then). */
  enable(): void;
  disable(): void;
  /** Stage changes since creation: each costs a process.cpuUsage() call, counted in the figures. */
  readonly slices: number;
}

/**
 * CPU by stage inside one process whose stages interleave on the event loop (HTTP requests, handlers awaiting
 * DynamoDB, stream pollers). A delta of process.cpuUsage() around an awaited invocation would also count
 * whatever ran while it waited; here each synchronous slice (a callback or a promise reaction) is charged to
 * the stage it belongs to, carried by AsyncLocalStorage, so a nested stage (a handler invoked from the HTTP
 * layer) is charged apart from its caller. The clock is read only when the stage changes; the event loop's
 * own work between two slices goes with the earlier one. Slices outside every stage are not charged.
 * process.cpuUsage() is the whole process's, so a slice also carries what other threads (GC, libuv pool) used
 * meanwhile. Measurement only: nothing here runs unless a runtime is given one.
 */
export function cpuAccounting(sink: CpuSink): CpuAccounting {
  const storage = new AsyncLocalStorage<string>();
  // The stages of the slices being executed, innermost last (a `within` inside a callback nests).
  const stack: (string | undefined)[] = [];
  // The stage running now; between slices, the last one's (the event loop's own work goes with it).
  let current: string | undefined;
  let enabled = false;
  let slices = 0;
  let last = 0;
  /** Charges the CPU since the last switch to the stage that ran, and switches to `next`; only on a change, as each reading costs CPU too. */
  const switchTo = (next: string | undefined) => {
    if (!enabled || next === current) return;
    const usage = process.cpuUsage();
    const now = usage.user + usage.system;
    if (current !== undefined && now > last) sink(current, now - last);
    last = now;
    current = next;
    slices++;
  };
  const hook: AsyncHook = createHook({
    before() {
      const stage = storage.getStore();
      stack.push(stage);
      switchTo(stage);
    },
    after() {
      stack.pop();
      // Back in a slice that was running (a nested callback ended): its stage again. At the top, stay put.
      if (stack.length > 0) switchTo(stack[stack.length - 1]);
    },
  });
  return {
    within<T>(stage: string, fn: () => T): T {
      const outer = current;
      stack.push(stage);
      switchTo(stage);
      try {
        return storage.run(stage, fn);
      } finally {
        stack.pop();
        switchTo(stack.length > 0 ? stack[stack.length - 1] : outer);
      }
    },
    enable() {
      if (enabled) return;
      stack.length = 0;
      current = undefined;
      hook.enable();
      enabled = true;
    },
    disable() {
      switchTo(undefined);
      enabled = false;
      hook.disable();
      stack.length = 0;
    },
    get slices() {
      return slices;
    },
  };
}
