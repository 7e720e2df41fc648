import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

/** One request that reached the receiver, with what its signature check found. */
export interface ReceivedWebhook {
  readonly at: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** `valid` when one of the secrets the receiver knows verifies it; `unsigned` for chat formats (Slack, Teams). */
  readonly signature: 'valid' | 'invalid' | 'unsigned';
  /** What the receiver answered. */
  readonly status: number;
}

/** How the receiver answers the next requests: tests make it fail, hang or go slow, then recover. */
export type ReceiverMode = { readonly answer: 'ok' } | { readonly answer: 'status'; readonly status: number } | { readonly answer: 'hang' } | { readonly answer: 'slow'; readonly ms: number };
/** `{"answer": "down", "ms": 1000}`: for that long, from now, every connection is dropped unanswered (a receiver that is down). */
export interface ReceiverOutage {
  readonly answer: 'down';
  readonly ms: number;
}

export interface WebhookReceiver {
  readonly url: string;
  received(): ReceivedWebhook[];
  stop(): Promise<void>;
}

/**
 * The local stand-in for the systems that take webhooks, as the SES emulator stands in for SES: it accepts any
 * `POST`, checks a Standard Webhooks signature against the secrets `secretsFor(path)` gives (the local
 * runtime reads them from the table), keeps every request, and lists them at `GET /` (text) and `GET /store`
 * (JSON). `POST /_control` with `{"answer": "status", "status": 500, "times": 3}` (or `hang`, `slow`, `ok`)
 * queues how the next requests are answered; `{"answer": "down", "ms": 1000}` drops every connection for that long.
 */
export async function startWebhookReceiver(port: number, secretsFor: (path: string) => Promise<string[]>): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued: ReceiverMode[] = [];
  let downUntil = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, text: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof text === 'string' ? text : JSON.stringify(text));
      };
      if (req.method === 'GET' && url.pathname === '/store') return send(200, { received });
      if (req.method === 'GET' && url.pathname === '/') {
        const lines = received.map((r) => `${r.at}  POST ${r.path} → ${r.status}  signature ${r.signature}  ${r.headers['webhook-id'] ?? ''}\n  ${r.body.slice(0, 500)}`);
        return send(200, lines.join('\n\n') || 'Nothing received yet.', 'text/plain; charset=utf-8');
      }
      if (req.method === 'POST' && url.pathname === '/_control') {
        const { times = 1, ...mode } = JSON.parse(body || '{}') as (ReceiverMode | ReceiverOutage) & { times?: number };
        if (mode.answer === 'down') {
          downUntil = Date.now() + mode.ms;
          return send(200, { downUntil: new Date(downUntil).toISOString() });
        }
        for (let i = 0; i < times; i++) queued.push(mode as ReceiverMode);
        return send(200, { queued: queued.length });
      }
      if (req.method !== 'POST') return send(405, { error: 'POST only' });
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      const signature = headers['webhook-signature'] ? await verify(await secretsFor(url.pathname), body, headers) : 'unsigned';
      if (Date.now() < downUntil) {
        received.push({ at: new Date().toISOString(), path: url.pathname, headers, body, signature, status: 0 });
        return req.socket.destroy();
      }
      const mode = queued.shift() ?? { answer: 'ok' };
      const status = mode.answer === 'status' ? mode.status : 200;
      received.push({ at: new Date().toISOString(), path: url.pathname, headers, body, signature, status: mode.answer === 'hang' ? 0 : status });
      if (mode.answer === 'hang') return; // never answers: the sender's timeout ends it
      if (mode.answer === 'slow') await new Promise((r) => setTimeout(r, mode.ms));
      send(status, { received: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    received: () => [...received],
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function verify(secrets: readonly string[], body: string, headers: Record<string, string>): Promise<'valid' | 'invalid'> {
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, headers);
      return 'valid';
    } catch {
      // the next secret
    }
  }
  return 'invalid';
}
