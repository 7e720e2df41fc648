import type { ProcessingFailure } from '../surveys/ports';

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
