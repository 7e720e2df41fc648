import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_FREE_PORTS } from '../../local/ports';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime';

export interface SentEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/**
 * The local runtime with throwaway data, as a newcomer would run it with --in-memory, on free ports so that
 * tests run beside `npm start`. The sweeper runs only when a test invokes it.
 */
export function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return startLocalRuntime({ ports: ANY_FREE_PORTS, inMemory: true, scheduleIntervalMs: 0, log: () => undefined, ...options });
}

/** A runtime for the whole test file, started before its tests and stopped after them. */
export function useTestRuntime(options: LocalRuntimeOptions = {}): { runtime: LocalRuntime; api: ApiClient } {
  const shared = {} as { runtime: LocalRuntime; api: ApiClient };
  beforeAll(async () => {
    shared.runtime = await startTestRuntime(options);
    shared.api = apiClient(shared.runtime);
  });
  afterAll(async () => {
    await shared.runtime?.stop();
  });
  return shared;
}

export interface ApiClient {
  (path: string, init?: RequestInit & { key?: string | null }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

export function apiClient(runtime: LocalRuntime): ApiClient {
  return async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.key !== null) headers.set('x-api-key', init.key ?? runtime.adminKey);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(runtime.apiUrl + path, { ...init, headers, redirect: 'manual' });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  };
}

export async function sentEmails(runtime: LocalRuntime): Promise<SentEmail[]> {
  const res = await fetch(`${runtime.sesUrl}/store`);
  return ((await res.json()) as { emails: SentEmail[] }).emails;
}

/** An owner's alert e-mail (not an invitation, an escalation notice or a comment follow-up): its text opens with the severity. */
export const isAlertEmail = (mail: SentEmail): boolean => mail.body.text?.startsWith('Severity: ') ?? false;

/** Polls until `check` returns a value (not undefined/false), or fails with what it last saw. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const surveyInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'Support call follow-up',
  touchpoint: 'support-call',
  ownerEmail: 'lead@example.com',
  questions: [
    { id: 'nps', type: 'nps', text: 'How likely are you to recommend us?', required: true },
    { id: 'csat', type: 'csat', text: 'How satisfied are you with the call?' },
    { id: 'effort', type: 'ces', text: 'How easy was it to get your issue solved?' },
    { id: 'resolved', type: 'yesno', text: 'Was your issue resolved?' },
    { id: 'reason', type: 'choice', text: 'What mattered most?', options: [{ id: 'speed', label: 'Speed' }, { id: 'kindness', label: 'Kindness' }] },
    { id: 'comment', type: 'text', text: 'What is the main reason for your score?' },
  ],
  alert: { npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5 },
  ...overrides,
});

/** Runs the operator CLI (the `cx` launcher) against a runtime, as a user would; never rejects. */
export function runCli(runtime: LocalRuntime, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['bin/cx.js', ...args], { env: { ...process.env, CX_API_URL: runtime.apiUrl, CX_API_KEY: runtime.adminKey, ...env }, maxBuffer: 10_000_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** Runs the operator CLI in a fresh shell's environment: nothing but PATH, HOME and the given settings; never rejects. */
export function runCliWithOnly(env: Record<string, string>, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['bin/cx.js', ...args], { env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'cx-home-')), ...env }, maxBuffer: 10_000_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** A file with this content in a fresh temporary directory. */
export function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cx-test-')), name);
  writeFileSync(file, content);
  return file;
}
