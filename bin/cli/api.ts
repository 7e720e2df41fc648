/** The admin API as the CLI calls it: endpoint and key from flags or the environment, errors in plain words. */

export interface ApiOptions {
  readonly api?: string;
  readonly key?: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Api {
  readonly base: string;
  call<T = Record<string, any>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  raw(path: string): Promise<Response>;
}

export function adminApi(options: ApiOptions): Api {
  const base = (options.api ?? process.env.CX_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const key = options.key ?? process.env.CX_API_KEY;
  if (!key) throw new CliError('An API key is needed: pass --key KEY or set CX_API_KEY (npm start prints the local admin key).', 2);
  const send = async (path: string, init: RequestInit) => {
    try {
      return await fetch(base + path, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });
    } catch (error) {
      throw new CliError(`Cannot reach the API at ${base} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}). Is it running? Set --api or CX_API_URL.`);
    }
  };
  return {
    base,
    async call(method, path, body, headers = {}) {
      const text = typeof body === 'string';
      const res = await send(path, {
        method,
        headers: { ...(body !== undefined && { 'content-type': text ? 'text/csv' : 'application/json' }), ...headers },
        ...(body !== undefined && { body: text ? body : JSON.stringify(body) }),
      });
      const payload = (await res.json().catch(() => ({}))) as Record<string, any>;
      if (!res.ok) throw apiError(res.status, payload);
      return payload as never;
    },
    async raw(path) {
      const res = await send(path, { method: 'GET' });
      if (!res.ok) throw apiError(res.status, (await res.json().catch(() => ({}))) as Record<string, any>);
      return res;
    },
  };
}

function apiError(status: number, payload: Record<string, any>): CliError {
  const details = (payload.error?.details ?? []).map((d: { field: string; message: string }) => `${d.field}: ${d.message}`).join('; ');
  const hint = status === 403 ? ' (check the key, and that its role may do this)' : '';
  return new CliError(`${status} ${payload.error?.message ?? payload.message ?? 'request failed'}${details ? ` (${details})` : ''}${hint}`);
}
