import { createServer } from 'node:net';

/** Every port the local runtime listens on: the variable that sets it and its default. In one place. */
export const LOCAL_PORTS = {
  api: { variable: 'PORT', default: 3000 },
  dynamodb: { variable: 'DYNAMODB_PORT', default: 8000 },
  ses: { variable: 'SES_PORT', default: 8005 },
  sns: { variable: 'SNS_PORT', default: 8006 },
  sms: { variable: 'SMS_PORT', default: 8007 },
  webhooks: { variable: 'WEBHOOK_PORT', default: 8008 },
} as const;
export type LocalPortName = keyof typeof LOCAL_PORTS;
export type LocalPortChoice = Partial<Record<LocalPortName, number>>;

/** Ports for tests and benchmarks: every one picked free, so they run beside `npm start`. */
export const ANY_FREE_PORTS: Required<LocalPortChoice> = { api: 0, dynamodb: 0, ses: 0, sns: 0, sms: 0, webhooks: 0 };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The ports to use: given ones first, then the environment, then the defaults; 0 picks a free port. */
export async function resolvePorts(given: LocalPortChoice, environment: NodeJS.ProcessEnv = process.env): Promise<Record<LocalPortName, number>> {
  const entries = await Promise.all(
    (Object.keys(LOCAL_PORTS) as LocalPortName[]).map(async (name) => {
      const { variable, default: fallback } = LOCAL_PORTS[name];
      const raw = environment[variable];
      const value = given[name] ?? (raw ? Number(raw) : fallback);
      if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${variable} must be a port number, got ${raw}`);
      return [name, value === 0 ? await freePort() : value] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<LocalPortName, number>;
}
