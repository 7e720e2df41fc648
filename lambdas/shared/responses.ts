import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorDetail } from '../domain/kernel/errors';

/** HTTP results in the API's shapes. No Powertools or SDK here: the local runtime's own server uses them too. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const HTML_HEADERS = {
  ...SECURITY_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  // Pages carry no script; forms post only to this origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({ statusCode, headers: HTML_HEADERS, body });

/** 303 See Other: after a form's POST, so a refresh reads the page again instead of posting twice. */
export const seeOther = (location: string, cookies: string[] = []): APIGatewayProxyStructuredResultV2 => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, cookies, body: '' });

/** An HTML page that runs the inline scripts of these hashes (and nothing else), posting only to this origin. */
export const htmlWithScripts = (statusCode: number, body: string, scriptHashes: readonly string[]): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...HTML_HEADERS, 'content-security-policy': `${HTML_HEADERS['content-security-policy']}; script-src ${scriptHashes.map((h) => `'${h}'`).join(' ')}; connect-src 'self'` },
  body,
});

export const errorBody = (code: string, message: string, details: readonly ErrorDetail[] = []) => ({ error: { code, message, details } });

