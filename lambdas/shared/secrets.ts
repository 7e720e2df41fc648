import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { env, type SecretName } from '../pipeline';
import { requireEnv } from './config';

/**
 * A secret's value: from Secrets Manager when `<NAME>_SECRET_ARN` is set (in AWS), otherwise from the
 * `<NAME>` variable (the local runtime sets it). Cached for five minutes, so rotation takes effect.
 */
export async function secretValue(name: SecretName): Promise<string> {
  const arn = process.env[`${name}${env.secretArnSuffix}`];
  if (arn) {
    const value = await getSecret<string>(arn, { maxAge: 300 });
    if (typeof value === 'string' && value.length > 0) return value;
    throw new Error(`configuration error: secret ${name} is empty`);
  }
  return requireEnv(name);
}
