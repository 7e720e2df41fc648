import type { ProcessingFailure } from '../surveys/response';

/** Which step of processing a response failed, kept on the response until it succeeds. */
export class ProcessingStepFailed extends Error {
  constructor(
    readonly step: ProcessingFailure['step'],
    readonly cause: unknown,
  ) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ProcessingStepFailed';
  }
}

export async function step<T>(name: ProcessingFailure['step'], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ProcessingStepFailed ? error : new ProcessingStepFailed(name, error);
  }
}

/** After this many failed attempts an item is parked: left out of the sweeps until an operator puts it back. */
export const MAX_ATTEMPTS = 8;

/**
 * When to try again after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour, so items that keep
 * failing step aside for newer work; parked from the {@link MAX_ATTEMPTS}-th on.
 */
export function nextTry(attempts: number, now: Date): { readonly retryAt: string; readonly parked: boolean } {
  const minutes = Math.min(60, 2 ** Math.max(0, attempts - 1));
  return { retryAt: new Date(now.getTime() + minutes * 60_000).toISOString(), parked: attempts >= MAX_ATTEMPTS };
}
