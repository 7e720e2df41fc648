import { createHmac } from 'node:crypto';

/**
 * A person as the table knows them for suppression and contact fatigue: keyed hashes of their e-mail
 * address, phone number and customer id, enough to recognise them on any channel, useless to anyone
 * reading the table.
 */
export type SuppressionIdentity = { readonly email?: string; readonly phone?: string; readonly customerId?: string };

export function contactKeys(secret: string, who: SuppressionIdentity): string[] {
  const key = (kind: string, value: string) => createHmac('sha256', secret).update(`suppression:${kind}:${value}`).digest('base64url').slice(0, 32);
  return [
    ...(who.email ? [key('email', who.email.trim().toLowerCase())] : []),
    ...(who.phone ? [key('phone', who.phone)] : []),
    ...(who.customerId ? [key('customer', who.customerId)] : []),
  ];
}
