/** A problem in what the caller sent or asked for; handlers turn it into a 4xx JSON error. */
export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `answers.nps`. */
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (message: string, details: readonly ErrorDetail[]) =>
  new DomainError(400, 'validation_failed', message, details);

export const notFound = (what: string, field: string) =>
  new DomainError(404, 'not_found', `${what} was not found`, [{ field, message: `no ${what.toLowerCase()} with this id` }]);

/**
 * A batch send that reached nobody is a failure of the whole request (502, safe to retry with the same
 * Idempotency-Key); partial success is reported per recipient instead.
 */
export function requireSomeDelivered<T extends { readonly status: string }>(results: readonly T[], what: string): readonly T[] {
  if (results.length > 0 && results.every((r) => r.status === 'failed')) {
    throw new DomainError(502, 'delivery_failed', `no ${what} could be sent; retry later with the same Idempotency-Key`, []);
  }
  return results;
}
