import { createServer, request, type Server } from 'node:http';
import { freePort } from '../../local/ports';

/**
 * How the proxy treats requests: `pass` forwards them; `down` drops the connection before anything reaches
 * the service (an outage); `lose-response` forwards, lets the service act, then drops the connection
 * before the answer arrives (the caller cannot know whether it happened).
 */
export type FaultMode = 'pass' | 'down' | 'lose-response';

export interface FaultProxy {
  readonly url: string;
  mode: FaultMode;
  /** Requests that were failed on purpose. */
  readonly failed: () => number;
  stop(): Promise<void>;
}

/** An HTTP proxy in front of an emulator that fails requests on demand, to test what survives an outage. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let failed = 0;
  const port = await freePort();
  const proxy: { mode: FaultMode } = { mode: 'pass' };
  const server: Server = createServer((req, res) => {
    if (proxy.mode === 'down') {
      failed += 1;
      req.socket.destroy();
      return;
    }
    const losing = proxy.mode === 'lose-response';
    const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (losing) {
        failed += 1;
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
