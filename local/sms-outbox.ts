import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

export interface OutboxMessage {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly at: string;
}

export interface SmsOutbox {
  readonly url: string;
  messages(): OutboxMessage[];
  stop(): Promise<void>;
}

/**
 * The local stand-in for Twilio's Messages API, as the SES emulator stands in for SES: it accepts
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with the account's Basic credentials, keeps the
 * messages, and lists them at `GET /store` (JSON) and `GET /` (text).
 */
export async function startSmsOutbox(port: number, credentials: { accountSid: string; authToken: string }): Promise<SmsOutbox> {
  const messages: OutboxMessage[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/store') return send(200, { messages });
      if (req.method === 'GET' && url.pathname === '/') {
        return send(200, messages.map((m) => `${m.at}  ${m.from} → ${m.to}\n  ${m.body}`).join('\n\n') || 'No messages yet.', 'text/plain; charset=utf-8');
      }
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
      if (req.method !== 'POST' || !match) return send(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      if (req.headers.authorization !== expectedAuth || decodeURIComponent(match[1]) !== credentials.accountSid) {
        return send(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const to = form.get('To');
      const from = form.get('From');
      const body = form.get('Body');
      if (!to || !from || !body) return send(400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
      const message = { sid: `SM${randomBytes(16).toString('hex')}`, to, from, body, at: new Date().toISOString() };
      messages.push(message);
      send(201, { ...message, status: 'queued', account_sid: credentials.accountSid });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    messages: () => [...messages],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
