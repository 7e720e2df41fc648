import { randomBytes } from 'node:crypto';
import { env as envNames, secrets } from '../lambdas/pipeline';
import { DEMO_PHONE_NUMBER } from './seed';

export interface RuntimeEnvironmentInput {
  readonly setting: (name: string) => string | undefined;
  readonly apiUrl: string;
  readonly endpoints: { readonly dynamodb: string; readonly ses: string; readonly sns: string; readonly sms: string };
}

/**
 * The environment every handler runs with locally: the SDK's standard endpoint variables pointed at the
 * emulators, the table, links, and the secrets (given ones kept, missing ones generated and reported).
 */
export function runtimeEnvironment(input: RuntimeEnvironmentInput): { env: Record<string, string>; generatedSecrets: string[] } {
  const { setting, endpoints } = input;
  // An endpoint given in the settings wins (e.g. a proxy in front of an emulator); the runtime's own
  // stream poller and SNS tap still talk to the emulators directly.
  const endpoint = (variable: string, own: string) => setting(variable) ?? own;
  const generatedSecrets: string[] = [];
  const secretValues: Record<string, string> = {};
  for (const name of Object.keys(secrets)) {
    const given = setting(name);
    if (!given) generatedSecrets.push(name);
    secretValues[name] = given ?? randomBytes(32).toString('base64url');
  }
  const env: Record<string, string> = {
    AWS_REGION: setting('AWS_REGION') ?? 'us-east-1',
    // Emulators accept any credentials; real ones must never be used from here.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Any client not pointed at an emulator fails on a closed local port instead of reaching AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint('AWS_ENDPOINT_URL_DYNAMODB', endpoints.dynamodb),
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoint('AWS_ENDPOINT_URL_SESV2', endpoints.ses),
    AWS_ENDPOINT_URL_SES: endpoint('AWS_ENDPOINT_URL_SES', endpoints.ses),
    AWS_ENDPOINT_URL_SNS: endpoint('AWS_ENDPOINT_URL_SNS', endpoints.sns),
    AWS_ENDPOINT_URL_SQS: endpoints.sns,
    [envNames.tableName]: setting(envNames.tableName) ?? 'cx-feedback',
    [envNames.senderEmail]: setting(envNames.senderEmail) ?? 'feedback@example.com',
    // Destinations may point at this machine's webhook receiver (http://127.0.0.1); in AWS they are https only.
    [envNames.allowLocalDestinations]: 'true',
    // A destination created a moment ago gets the next event (a minute's cache in AWS).
    DESTINATIONS_CACHE_SECONDS: setting('DESTINATIONS_CACHE_SECONDS') ?? '1',
    // Delivery retries on a faster clock (tests take a receiver down for "an hour"); 1 is real time.
    ...(setting('LOCAL_TIME_SCALE') && { LOCAL_TIME_SCALE: setting('LOCAL_TIME_SCALE')! }),
    [envNames.publicUrl]: setting(envNames.publicUrl) ?? input.apiUrl,
    [envNames.twilioAccountSid]: setting(envNames.twilioAccountSid) ?? `AC${'0'.repeat(32)}`,
    [envNames.twilioFromNumber]: setting(envNames.twilioFromNumber) ?? DEMO_PHONE_NUMBER,
    [envNames.twilioApiUrl]: endpoints.sms,
    ...(setting('NOTIFICATION_LEASE_SECONDS') && { NOTIFICATION_LEASE_SECONDS: setting('NOTIFICATION_LEASE_SECONDS')! }),
    POWERTOOLS_SERVICE_NAME: 'cx-feedback',
    POWERTOOLS_METRICS_DISABLED: setting('POWERTOOLS_METRICS_DISABLED') ?? 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: setting('POWERTOOLS_LOG_LEVEL') ?? 'WARN',
    ...secretValues,
  };
  return { env, generatedSecrets };
}
