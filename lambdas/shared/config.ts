import { env } from '../pipeline';

/** A missing setting is a deployment fault, not the caller's: it surfaces as a 500 and in the logs. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`configuration error: environment variable ${name} is not set`);
  return value;
}


/** Base URL for links in e-mails and pages, without a trailing slash. */
export const publicUrl = () => requireEnv(env.publicUrl).replace(/\/+$/, '');

/** The address e-mails come from, when this function sends any. */
export const senderAddress = (): string | undefined => process.env[env.senderEmail] || undefined;

/**
 * `NOTIFICATION_LEASE_SECONDS`: how long a worker's claim on sending an alert holds before another may take
 * over (a worker that stopped mid-send). Unset: the domain's default.
 */
export function notificationLeaseMs(): number | undefined {
  const raw = process.env.NOTIFICATION_LEASE_SECONDS;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`configuration error: NOTIFICATION_LEASE_SECONDS must be a whole number of seconds, got ${raw}`);
  return seconds * 1000;
}

/**
 * Whether destinations may be plain `http://` on this machine (127.0.0.1, localhost): the local runtime sets
 * it for its own webhook receiver. Never set in AWS, where destinations are https only.
 */
export const allowLocalDestinations = (): boolean => process.env[env.allowLocalDestinations] === 'true';

/**
 * How much faster than real time delivery retries run on this machine (`LOCAL_TIME_SCALE`, set by the local
 * runtime's `--time-scale`): at 60 a minute's backoff takes a second, so a test can take a receiver down for
 * "an hour". Read only where local destinations are allowed; always 1 in AWS.
 */
export function localTimeScale(): number {
  const raw = process.env.LOCAL_TIME_SCALE;
  if (!raw || !allowLocalDestinations()) return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale < 1 || scale > 100_000) throw new Error(`configuration error: LOCAL_TIME_SCALE must be a number from 1 to 100000, got ${raw}`);
  return scale;
}
