import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/**
 * The credential provider of deployed bundles, in place of the SDK's default chain (lib/bundling.ts aliases
 * `@aws-sdk/credential-provider-node` here). Lambda hands every function its role's credentials in the
 * environment, so the chain's other links (profiles, SSO, STS, container and instance metadata) are never
 * reached there, yet their code is about a fifth of each bundle. The local runtime and the CLI run from
 * source and keep the whole chain.
 */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
