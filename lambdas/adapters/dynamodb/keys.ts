import type { TimelineKind } from '../../domain/people/ports';

/** Unfinished responses spread over this many gsi2 partitions, so ingest never writes one hot index partition. */
export const PENDING_SHARDS = 8;
const pendingShard = (id: string) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % PENDING_SHARDS;

/** Key layout of the single table: `<ENTITY>#<id>` / `META`, listings on gsi1. */
export const keys = {
  survey: (id: string) => ({ pk: `SURVEY#${id}`, sk: 'META' }),
  /** Every survey in one gsi1 partition, newest first: a few hundred items, read by the admin listing. */
  surveys: 'SURVEYS',
  alertRules: (surveyId: string, version: number) => ({ pk: `SURVEY#${surveyId}`, sk: `RULES#${String(version).padStart(6, '0')}` }),
  destination: (id: string) => ({ pk: `DESTINATION#${id}`, sk: 'META' }),
  destinations: 'DESTINATIONS',
  /** One item per destination and event: the event id alone (never the time) names it, so a retried producer finds it. */
  delivery: (d: { destinationId: string; eventId: string }) => ({ pk: `DELIVERY#${d.destinationId}`, sk: d.eventId }),
  deliveryDue: (eventId: string) => `DLVDUE#${pendingShard(eventId)}`,
  themeSet: (surveyId: string, version: number) => ({ pk: `SURVEY#${surveyId}`, sk: `THEMES#${String(version).padStart(6, '0')}` }),
  response: (id: string) => ({ pk: `RESPONSE#${id}`, sk: 'META' }),
  responsesOf: (surveyId: string) => `SURVEY#${surveyId}#RESPONSES`,
  alert: (id: string) => ({ pk: `ALERT#${id}`, sk: 'META' }),
  /** Cases listed by the month they opened, so no single partition takes every case. */
  casesOf: (month: string) => `CASES#${month}`,
  /** Sparse gsi2 partitions of unresolved cases by their next deadline. */
  due: (id: string) => `DUE#${pendingShard(id)}`,
  /** Cases whose escalation notice failed too often, out of the escalation's way. */
  dueParked: (id: string) => `DUEPARKED#${pendingShard(id)}`,
  /** Sparse gsi2 partitions of responses whose processing has not finished, spread over a few partitions. */
  pending: (id: string) => `PENDING#${pendingShard(id)}`,
  /** Responses that failed too often, out of the sweeper's way. */
  parked: (id: string) => `PARKED#${pendingShard(id)}`,
  /** One-click scores waiting for their comment, by when they are due. */
  held: (id: string) => `HELD#${pendingShard(id)}`,
  invitation: (id: string) => ({ pk: `INVITATION#${id}`, sk: 'META' }),
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'META' }),
  /** Every key in one gsi1 partition, by key id: a handful of items, read by admins only. */
  apiKeys: 'APIKEYS',
  suppression: (key: string) => ({ pk: `SUPPRESS#${key}`, sk: 'META' }),
  contact: (key: string) => ({ pk: `CONTACT#${key}`, sk: 'META' }),
  customer: (id: string) => ({ pk: `CUSTOMER#${id}`, sk: 'META' }),
  /** A customer's timeline: pointers to their responses and cases, newest last by sort key. */
  customerEvent: (id: string, kind: TimelineKind, at: string, itemId: string) => ({ pk: `CUSTOMER#${id}`, sk: `${kind}#${at}#${itemId}` }),
  fatigueSettings: { pk: 'SETTINGS#contact-fatigue', sk: 'META' },
  /** One recipient's digest of a survey's period: claimed before it is sent, so it goes once. */
  digestClaim: (recipient: string, surveyId: string, period: string) => ({ pk: `DIGEST#${recipient}#${surveyId}#${period}`, sk: 'CLAIM' }),
  /** A survey's period whose every digest is sent or skipped. */
  digestDone: (surveyId: string, period: string) => ({ pk: `DIGEST#${surveyId}#${period}`, sk: 'DONE' }),
};
