import { createServer, request, type Server } from 'node:http';
import { freePort } from '../local/ports';

/** Requests by DynamoDB operation (`X-Amz-Target`), and the items inside transactions. */
export interface DynamoDbCounts {
  readonly requests: Record<string, number>;
  readonly transactionItems: number;
}

/**
 * A pass-through HTTP proxy in front of DynamoDB Local that counts what the handlers ask of DynamoDB, so the
 * bench can state the requests one accepted response causes across the whole pipeline.
 */
export async function startDynamoDbCounter(targetUrl: string) {
  const target = new URL(targetUrl);
  const requests: Record<string, number> = {};
  let transactionItems = 0;
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
      requests[operation] = (requests[operation] ?? 0) + 1;
      if (operation === 'TransactWriteItems') transactionItems += (JSON.parse(body.toString('utf8')).TransactItems ?? []).length;
      const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      for (const k of Object.keys(requests)) delete requests[k];
      transactionItems = 0;
    },
    counts: (): DynamoDbCounts => ({ requests: { ...requests }, transactionItems }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
