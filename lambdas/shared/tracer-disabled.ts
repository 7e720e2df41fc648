import type { MiddlewareObj } from '@middy/core';

/**
 * What deployed bundles load instead of the Powertools Tracer when X-Ray tracing is off (lib/bundling.ts
 * aliases `@aws-lambda-powertools/tracer` and its middleware here): the Tracer would only pass through then,
 * yet it and the X-Ray SDK it loads are about 125 KB of every bundle. With `-c tracing=active` the real
 * Tracer is bundled. Covers what lambdas/shared uses of the Tracer; a bundle test holds the two to the same names.
 */
export class Tracer {
  constructor(_options: { readonly serviceName?: string } = {}) {}

  captureAWSv3Client<T>(client: T): T {
    return client;
  }
}

export const captureLambdaHandler = (_tracer: Tracer): MiddlewareObj => ({ before: () => undefined });
