import { randomUUID } from 'node:crypto';
import { enqueueEvent, subscribersOf } from '../domain/destinations/delivery';
import { eventEnvelope } from '../domain/destinations/events';
import { validationError } from '../domain/kernel/errors';
import { sendDueDigests, type DigestReport } from '../domain/destinations/digests';
import { caseUrl } from '../domain/loop/alerting';
import { digestEmail } from '../views/digest';
import { chatMessage, digestCard } from '../views/chat';
import { publicUrl } from './config';
import { aggregateStore, caseStore, deliveryStore, digestClaims, surveyStore } from './dependencies';
import { cachedDestinations } from './destination-list';
import { secretValue } from './secrets';
import { emailSender } from './senders';

/** What the operator's `cx digests send` asks of the escalation function: one survey, as of a given time. */
export interface DigestRequest {
  readonly surveyId?: string;
  readonly now?: string;
}

/** The operator's request in an invocation (`{"digests": {…}}`), checked; undefined for the schedule's own runs. */
export function digestRequestOf(event: unknown): DigestRequest | undefined {
  const request = (event as { digests?: unknown } | null)?.digests;
  if (request === undefined) return undefined;
  const { surveyId, now } = (request ?? {}) as Record<string, unknown>;
  if (surveyId !== undefined && (typeof surveyId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(surveyId))) throw validationError('surveyId is not a survey id', [{ field: 'digests.surveyId', message: 'a survey id' }]);
  if (now !== undefined && (typeof now !== 'string' || Number.isNaN(Date.parse(now)))) throw validationError('now must be an ISO 8601 time', [{ field: 'digests.now', message: 'e.g. 2026-12-01T08:00:00Z' }]);
  return { ...(surveyId !== undefined && { surveyId: surveyId as string }), ...(now !== undefined && { now: now as string }) };
}

/** Sends the digests due now (or as of `request.now`): e-mails through SES, the `digest` event to the destinations' outbox. */
export async function runDigests(request: DigestRequest = {}): Promise<DigestReport> {
  // `now` picks the period and what is overdue; links and the outbox keep the real clock (a delivery is
  // attempted from its time on, and a link lasts from when it is signed).
  const clock = new Date();
  const now = request.now ? new Date(request.now) : clock;
  const links = { publicUrl: publicUrl(), tokenSecret: await secretValue('TOKEN_SECRET'), now: clock };
  const outbox = { destinations: cachedDestinations(), deliveries: deliveryStore(), now: clock };
  return sendDueDigests(
    {
      surveys: surveyStore(),
      aggregates: aggregateStore(),
      cases: caseStore(),
      claims: digestClaims(),
      email: emailSender(),
      digestEmail: (content, to) => digestEmail(content, to, now),
      enqueueDigest: (survey, period, data) =>
        enqueueEvent(outbox, eventEnvelope('digest', data, { subjectId: `${survey.id}#${period.key}`, sequence: 0, occurredAt: clock }), { surveyId: survey.id, touchpoint: survey.touchpoint }, (chat) => chatMessage(chat, digestCard(data))),
      digestTakers: async (survey) => subscribersOf(await outbox.destinations.listDestinations(), 'digest', { surveyId: survey.id, touchpoint: survey.touchpoint }).length,
      caseLink: (kase, reader) => caseUrl(links, { id: kase.id, owner: reader }),
      claimant: randomUUID(),
      now,
    },
    request.surveyId ? { surveyId: request.surveyId } : {},
  );
}
