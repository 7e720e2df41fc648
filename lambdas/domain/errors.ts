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
