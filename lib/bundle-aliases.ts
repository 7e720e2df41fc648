import { join } from 'node:path';

const SHARED = join(__dirname, '..', 'lambdas', 'shared');

export interface BundleSettings {
  /** X-Ray active tracing (`-c tracing=active`): the real Tracer is bundled. @default false */
  readonly tracing?: boolean;
}

/**
 * Modules each bundle takes from lambdas/shared instead of the package: the SDK's credential chain becomes
 * the environment provider Lambda needs (lambda-credentials.ts), the SDK's event-stream support (which no
 * operation called here uses) a loud refusal (event-streams-unused.ts), and without tracing the Tracer becomes
 * a pass-through (tracer-disabled.ts).
 */
export function bundleAliases(settings: BundleSettings = {}): Record<string, string> {
  const tracerDisabled = join(SHARED, 'tracer-disabled.ts');
  return {
    '@aws-sdk/credential-provider-node': join(SHARED, 'lambda-credentials.ts'),
    '@smithy/core/event-streams': join(SHARED, 'event-streams-unused.ts'),
    ...(!settings.tracing && { '@aws-lambda-powertools/tracer': tracerDisabled, '@aws-lambda-powertools/tracer/middleware': tracerDisabled }),
  };
}
