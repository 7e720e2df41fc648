import * as z from 'zod/mini';
import '../kernel/zod';
import { DomainError, validationError } from '../kernel/errors';
import { externalId, safeKey } from '../kernel/identifier-schemas';
import { SEVERITIES } from '../surveys/scores';
import { checkDestinationUrl } from './addresses';
import { EVENT_TYPES } from './events';
import { newWebhookSecret } from './signing';
import type { DestinationStore } from './ports';

/*
 * Where events go besides the owner's e-mail and the SNS topic: a signed webhook (any HTTPS endpoint), a Slack
 * incoming webhook, or a Microsoft Teams Workflows webhook, for the events it subscribes to and the cases or
 * responses its filter lets through.
 */

export const DESTINATION_TYPES = ['webhook', 'slack', 'teams'] as const;

/**
 * The events that are delivered today (of {@link EVENT_TYPES}, whose payloads are defined): a destination can
 * subscribe only to these, so none waits for an event nothing sends.
 */
export const DELIVERED_EVENTS = ['response.completed', 'case.opened', 'case.updated', 'case.escalated', 'case.resolved', 'metric.alert', 'digest'] as const satisfies readonly (typeof EVENT_TYPES)[number][];
export type DestinationType = (typeof DESTINATION_TYPES)[number];

export const DestinationFilterSchema = z.strictObject({
  surveyId: z.optional(safeKey(64)),
  touchpoint: z.optional(externalId(64)),
  /** Cases at least this severe. */
  minSeverity: z.optional(z.enum(SEVERITIES)),
  /** Responses whose comment has this theme (comment analytics). */
  theme: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'a theme id'))),
});

export const DestinationRequestSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100), z.refine((v) => !/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(v), 'one line of plain text')),
  type: z.enum(DESTINATION_TYPES),
  url: z.string().check(z.trim(), z.maxLength(2000)),
  events: z.array(z.enum(DELIVERED_EVENTS)).check(z.minLength(1), z.maxLength(DELIVERED_EVENTS.length), z.refine((e) => new Set(e).size === e.length, 'each event once')),
  filter: z.optional(DestinationFilterSchema),
  enabled: z._default(z.boolean(), true),
});
export type DestinationRequest = z.infer<typeof DestinationRequestSchema>;

export interface WebhookSecret {
  /** `whsec_…`: shown once, when it is made; signs every delivery until it expires. */
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the old secret by a rotation: both sign until then, so receivers can switch over. */
  readonly expiresAt?: string;
}

export interface Destination extends DestinationRequest {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt?: string;
  /** Signed webhooks only. */
  readonly secrets?: readonly WebhookSecret[];
  /** Why it was turned off by the service (the endpoint answered 410 Gone). */
  readonly disabledReason?: string;
  /** Counts its writes: each is conditional on the one read, so two edits at once never lose one. */
  readonly version?: number;
}

/** The checks a schema cannot make: the URL against the SSRF rules, and the URL's form per type. */
export function checkDestination(request: DestinationRequest, options: { readonly allowLocalHttp: boolean }): void {
  const problems = checkDestinationUrl(request.url, options);
  const local = options.allowLocalHttp && /^http:\/\//i.test(request.url);
  if (!local && request.type === 'slack' && !/^https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\//i.test(request.url)) {
    problems.push('a Slack incoming-webhook URL starts with https://hooks.slack.com/services/');
  }
  if (problems.length > 0) throw validationError('the destination URL is refused', problems.map((message) => ({ field: 'url', message })));
}

/** Secrets still signing at `now` (a rotated one until its overlap ends). */
export const activeSecrets = (destination: Pick<Destination, 'secrets'>, now: Date): string[] =>
  (destination.secrets ?? []).filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime()).map((s) => s.secret);

/** A destination as the API shows it: never a secret, and a chat URL (which is itself a credential) shortened. */
export function describeDestination(destination: Destination, now: Date) {
  const { secrets, url, ...rest } = destination;
  const shown = destination.type === 'webhook' ? url : `${new URL(url).origin}/…`;
  return {
    ...rest,
    url: shown,
    ...(secrets && { secrets: secrets.map((s) => ({ createdAt: s.createdAt, ...(s.expiresAt && { expiresAt: s.expiresAt }), active: !s.expiresAt || Date.parse(s.expiresAt) > now.getTime() })) }),
  };
}

export async function createDestination(store: DestinationStore, request: DestinationRequest, id: string, now: Date, options: { readonly allowLocalHttp: boolean }) {
  checkDestination(request, options);
  const secret = request.type === 'webhook' ? newWebhookSecret() : undefined;
  const destination: Destination = { ...request, id, createdAt: now.toISOString(), version: 1, ...(secret && { secrets: [{ secret, createdAt: now.toISOString() }] }) };
  await store.putDestination(destination);
  return { destination, secret };
}

const concurrentChange = () =>
  new DomainError(409, 'concurrent_change', 'the destination changed (or was deleted) while this was saved; read it again', [{ field: 'destinationId', message: 'changed meanwhile' }]);

/** Saves a change of `current` (read just before): refused with 409 if it changed or was deleted meanwhile. */
async function saveChange(store: Pick<DestinationStore, 'saveDestination'>, current: Destination, changed: Destination): Promise<Destination> {
  const version = current.version ?? 0;
  const saved = { ...changed, version: version + 1 };
  if (!(await store.saveDestination(saved, version))) throw concurrentChange();
  return saved;
}

/** Replaces what a destination is (not its secrets). */
export async function updateDestination(
  store: DestinationStore,
  id: string,
  request: DestinationRequest,
  now: Date,
  options: { readonly allowLocalHttp: boolean },
  /** What else must hold (e.g. alert rules that route to it still reach it); throws to refuse. */
  checks?: (current: Destination, request: DestinationRequest) => Promise<void>,
): Promise<Destination> {
  const current = await store.getDestination(id);
  if (!current) throw new DomainError(404, 'not_found', 'Destination not found', [{ field: 'destinationId', message: 'no such destination' }]);
  if (current.type !== request.type) throw validationError('a destination keeps its type', [{ field: 'type', message: `is ${current.type}; create a new destination instead` }]);
  checkDestination(request, options);
  await checks?.(current, request);
  // Replaced: a field the request leaves out (the filter) is gone, and so is a reason the service disabled it.
  const { disabledReason: _cleared, filter: _filter, ...rest } = current;
  return saveChange(store, current, { ...rest, ...request, updatedAt: now.toISOString() });
}

/** The default overlap of a rotation: long enough for a receiver to deploy the new secret. */
export const ROTATION_OVERLAP_HOURS = 24;

/** A new signing secret; the current ones keep signing for the overlap, then stop. */
export async function rotateSecret(store: DestinationStore, id: string, now: Date, overlapHours = ROTATION_OVERLAP_HOURS) {
  const current = await store.getDestination(id);
  if (!current) throw new DomainError(404, 'not_found', 'Destination not found', [{ field: 'destinationId', message: 'no such destination' }]);
  if (current.type !== 'webhook') throw validationError('only signed webhooks have secrets', [{ field: 'destinationId', message: `is a ${current.type} destination` }]);
  const until = new Date(now.getTime() + overlapHours * 3_600_000).toISOString();
  const secret = newWebhookSecret();
  const kept = (current.secrets ?? []).filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime()).map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
  const updated = await saveChange(store, current, { ...current, secrets: [...kept, { secret, createdAt: now.toISOString() }], updatedAt: now.toISOString() });
  return { destination: updated, secret };
}
