import type { SmsSender } from '../domain/outreach/phone/sms-invitations';

/**
 * Sends SMS through Twilio's Messages API. The base URL is configurable so the local runtime can point it
 * at its SMS outbox; in AWS it is https://api.twilio.com.
 */
export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly config: { apiUrl: string; accountSid: string; authToken: string; from: string },
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async send(to: string, body: string): Promise<string> {
    const { apiUrl, accountSid, authToken, from } = this.config;
    const res = await this.fetchFn(`${apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, From: from, Body: body }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const payload = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (!res.ok || !payload.sid) throw new Error(`Twilio answered ${res.status}${payload.code ? ` (error ${payload.code})` : ''}`);
    return payload.sid;
  }
}
