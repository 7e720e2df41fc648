import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CliError } from './api';

/** How a command that talks to AWS directly was told where: flags, else the environment. */
export interface AwsOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An address on this machine: the local runtime or an emulator, never AWS. */
export const isLoopback = (url: string) => /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/|$)/i.test(url);

/**
 * Where the command's service is, when not in AWS: `--endpoint`, else the SDK's standard variable
 * (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_LAMBDA`, which npm start prints to export), else for Lambda the local
 * runtime itself when `CX_API_URL` points at this machine (the runtime serves Lambda's Invoke path).
 * `undefined`: AWS, with the SDK's credentials and region.
 */
export function localEndpoint(service: 'dynamodb' | 'lambda', options: AwsOptions, env: Env = process.env): { url: string; given: boolean } | undefined {
  if (options.endpoint) return { url: options.endpoint, given: true };
  const sdk = env[service === 'dynamodb' ? 'AWS_ENDPOINT_URL_DYNAMODB' : 'AWS_ENDPOINT_URL_LAMBDA'];
  if (sdk) return { url: sdk, given: false };
  const api = env.CX_API_URL;
  if (service === 'lambda' && api && isLoopback(api)) return { url: api.replace(/\/+$/, ''), given: false };
  return undefined;
}

/** The one line that says what to pass when a command finds neither a local endpoint nor an AWS region. */
export function noEndpointHint(service: 'dynamodb' | 'lambda', env: Env = process.env): string {
  const local = service === 'dynamodb' ? `http://127.0.0.1:${env.DYNAMODB_PORT || 8000}` : `http://127.0.0.1:${env.PORT || 3000}`;
  const what = service === 'dynamodb' ? "the local runtime's DynamoDB Local" : 'the local runtime';
  return `No ${service === 'dynamodb' ? 'DynamoDB' : 'Lambda'} endpoint or AWS region found: pass --endpoint ${local} (${what}; or export the settings npm start prints) or --region REGION for a deployed stack.`;
}

/** SDK client settings: a local endpoint with throwaway credentials (emulators accept any), or AWS's defaults. */
export function awsConfig(service: 'dynamodb' | 'lambda', options: AwsOptions, env: Env = process.env) {
  const endpoint = localEndpoint(service, options, env);
  if (!endpoint) return { ...(options.region && { region: options.region }) };
  // A flag always meant an emulator; an endpoint from the environment keeps real credentials unless it is on this machine.
  const local = endpoint.given || isLoopback(endpoint.url);
  return {
    endpoint: endpoint.url,
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(local && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
}

/** Refuses, in one line (exit 2), a client that would go to AWS without a region: nothing told it where to go. */
async function ensureTarget(service: 'dynamodb' | 'lambda', client: DynamoDBClient | LambdaClient, hasEndpoint: boolean) {
  if (hasEndpoint) return;
  try {
    await client.config.region();
  } catch {
    throw new CliError(noEndpointHint(service), 2);
  }
}

export async function dynamoDbClient(options: AwsOptions): Promise<DynamoDBClient> {
  const config = awsConfig('dynamodb', options);
  const client = new DynamoDBClient(config);
  await ensureTarget('dynamodb', client, 'endpoint' in config);
  return client;
}

/** A Lambda client; against the local runtime it presents CX_API_KEY, which stands in for IAM there. */
export async function lambdaClient(options: AwsOptions): Promise<LambdaClient> {
  const config = awsConfig('lambda', options);
  const client = new LambdaClient(config);
  await ensureTarget('lambda', client, 'endpoint' in config);
  const key = process.env.CX_API_KEY;
  if ('credentials' in config && key) {
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-api-key'] = key;
        return next(args);
      },
      { step: 'build', name: 'localAdminKey' },
    );
  }
  return client;
}

/**
 * Invokes one of the stack's functions with a JSON request and gives its JSON answer; a function error becomes
 * a CliError that starts with `failure` and carries the function's own answer.
 */
export async function invokeFunction(lambda: LambdaClient, name: string, request: object, failure: string): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(request)) }));
  const payload = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
  if (out.FunctionError) throw new CliError(`${failure}: ${payload}`);
  return JSON.parse(payload);
}

/** Refuses (exit 2) a `--survey` that cannot be a survey id, before anything is invoked. */
export function checkSurveyOption(survey: string | undefined): void {
  if (survey !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(survey)) throw new CliError('--survey must be a survey id (letters, digits, _ and -)', 2);
}
