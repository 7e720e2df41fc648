import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { DomainError } from '../domain/kernel/errors';
import type { PhoneInput } from '../domain/outreach/phone/answers';
import { externalId } from '../domain/kernel/identifier-schemas';
import type { ReplayGuard } from '../domain/outreach/phone/ports';
import { publicUrl } from './config';
import { secretValue } from './secrets';
import { header, rawBody, type HttpEvent, type HttpResult } from './http';

const forbidden = (message: string) => new DomainError(403, 'invalid_signature', message, [{ field: 'signature', message }]);

/**
 * The URL the provider called, as it signed it. Behind API Gateway the Lambda sees only the path, so it is
 * rebuilt from PUBLIC_URL (the API's public base) + path + query.
 */
export function signedUrl(event: HttpEvent): string {
  return `${publicUrl()}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
}

/** Verifies `X-Twilio-Signature` with the account's auth token; returns the form parameters. */
export async function verifyTwilioRequest(event: HttpEvent): Promise<Record<string, string>> {
  const signature = header(event, 'x-twilio-signature');
  if (!signature) throw forbidden('X-Twilio-Signature is missing');
  const params = Object.fromEntries(new URLSearchParams(rawBody(event)));
  if (!validateRequest(await secretValue('TWILIO_AUTH_TOKEN'), signature, signedUrl(event), params)) {
    throw forbidden('X-Twilio-Signature does not match this request');
  }
  return params;
}

/** How far a Vonage JWT's `iat` may be from now; a token is remembered (and refused again) that long. */
export const VONAGE_MAX_SKEW_SECONDS = 300;

/**
 * Query parameters that would name the call, the caller or the survey. Vonage signs only the JWT's claims
 * (`iat`, `jti`, `iss`, `api_key`, `application_id`) and `payload_hash`, the SHA-256 of the body; nothing
 * binds the URL's query string. A GET answer webhook carries uuid/from/to there, and `surveyId`/`customerId`
 * on a configured answer URL are just as unsigned: anyone holding one valid token could swap them. Such
 * requests are refused; the Vonage application is configured with `answer_method: POST` (the fields then
 * come in the signed body) and the survey is chosen by the called number's route
 * (`PUT /admin/phone-numbers/{number}`).
 */
const VONAGE_UNSIGNED_IDENTIFIERS = ['uuid', 'conversation_uuid', 'from', 'to', 'surveyId', 'customerId'] as const;

const JTI = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Verifies a Vonage signed webhook: `Authorization: Bearer <JWT>`, HS256 with the signature secret, a
 * current `iat`, the `payload_hash` claim equal to the SHA-256 of the body, no identifying query
 * parameters, and a `jti` never presented before (remembered by `replayGuard` until iat + the allowed
 * skew). Returns the parsed JSON body (or {}).
 */
export async function verifyVonageRequest(event: HttpEvent, replayGuard: ReplayGuard, now = new Date()): Promise<Record<string, unknown>> {
  const token = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];
  if (!token) throw forbidden('the signed JWT (Authorization: Bearer) is missing');
  const parts = token.split('.');
  if (parts.length !== 3) throw forbidden('the JWT is malformed');
  const [headerPart, payloadPart, signaturePart] = parts;
  let jwtHeader: { alg?: string };
  let claims: { iat?: number; jti?: unknown; payload_hash?: string };
  try {
    jwtHeader = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    throw forbidden('the JWT is malformed');
  }
  if (jwtHeader?.alg !== 'HS256') throw forbidden('the JWT must be signed with HS256');
  const expected = createHmac('sha256', await secretValue('VONAGE_SIGNATURE_SECRET')).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forbidden('the JWT signature does not match');
  if (!claims || typeof claims.iat !== 'number' || Math.abs(now.getTime() / 1000 - claims.iat) > VONAGE_MAX_SKEW_SECONDS) {
    throw forbidden('the JWT is not current');
  }
  if (typeof claims.jti !== 'string' || !JTI.test(claims.jti)) throw forbidden('the JWT has no jti to tell it from a replay');
  const body = rawBody(event);
  if (body.length > 0 || claims.payload_hash !== undefined) {
    const hash = createHash('sha256').update(body, 'utf8').digest('hex');
    if (claims.payload_hash !== hash) throw forbidden('payload_hash does not match the body');
  }
  const query = event.queryStringParameters ?? {};
  const unsigned = VONAGE_UNSIGNED_IDENTIFIERS.find((name) => query[name] !== undefined);
  if (unsigned) {
    const message = 'not covered by the signature: configure the Vonage application with answer_method POST, and route numbers with PUT /admin/phone-numbers/{number}';
    throw new DomainError(403, 'unsigned_parameter', `the query parameter ${unsigned} is not signed`, [{ field: `query.${unsigned}`, message }]);
  }
  // Last, so only a request that would otherwise be accepted uses up its token.
  if (!(await replayGuard.firstUse(claims.jti, new Date((claims.iat + VONAGE_MAX_SKEW_SECONDS) * 1000)))) {
    throw new DomainError(403, 'replayed_signature', 'this signed JWT was already used', [{ field: 'signature', message: 'the jti was seen before' }]);
  }
  if (!body) return {};
  try {
    const parsed = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    throw new DomainError(400, 'malformed_json', 'the body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
  }
}

export const xml = (body: string): HttpResult => ({
  statusCode: 200,
  headers: { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

/** Vonage numbers come without "+"; the rest of the system uses E.164. */
export const e164 = (number: unknown): string | undefined => {
  if (typeof number !== 'string' || !/^\+?[1-9]\d{7,14}$/.test(number)) return undefined;
  return number.startsWith('+') ? number : `+${number}`;
};

/**
 * An id or number a provider sends (CallSid, MessageSid, call uuid, From, To): it becomes part of item keys,
 * so it is 1–64 letters, digits or "+-_.:@" (Twilio client identities look like `client:alice`). Undefined
 * when absent; anything else is refused with 400 naming the field.
 */
export function providerField(name: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && /^[A-Za-z0-9+_.:@-]{1,64}$/.test(value)) return value;
  throw new DomainError(400, 'validation_failed', `${name} is not a valid provider identifier`, [{ field: name, message: 'use 1–64 letters, digits or +-_.:@' }]);
}

/** The `customerId` an operator put on a webhook URL: one line, 1–128 characters. */
export function customerIdParameter(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = externalId(128).safeParse(value);
  if (!parsed.success) throw new DomainError(400, 'validation_failed', 'customerId is not valid', [{ field: 'query.customerId', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
  return parsed.data;
}

/** The input webhook's answer: keypad digits, else the most confident speech result. */
export function vonageInput(body: Record<string, any>): PhoneInput {
  const digits = typeof body.dtmf?.digits === 'string' && body.dtmf.digits !== '' ? body.dtmf.digits : undefined;
  // Only well-formed results count: anything else in the list is skipped, never dereferenced.
  const results = (Array.isArray(body.speech?.results) ? body.speech.results : []).filter(
    (r: unknown): r is { text: string; confidence?: unknown } => typeof r === 'object' && r !== null && typeof (r as { text?: unknown }).text === 'string',
  );
  const confidence = (r: { confidence?: unknown }) => (Number.isFinite(Number(r.confidence)) ? Number(r.confidence) : 0);
  const best = [...results].sort((a, b) => confidence(b) - confidence(a))[0]?.text;
  return { ...(digits && { digits }), ...(best && { speech: best }) };
}
