import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { attemptDelivery, enqueueEvent, type AttemptOutcome, type Delivery } from '../domain/destinations/delivery';
import { logger, metrics } from './powertools';
import { caseEvent, eventEnvelope, responseEventData } from '../domain/destinations/events';
import type { EventOutbox } from '../domain/loop/ports';
import { dnsResolver, nodeHttpSender } from '../adapters/http-sender';
import { caseCard, chatMessage, responseCard } from '../views/chat';
import { allowLocalDestinations, localTimeScale } from './config';
import { deliveryStore, destinationStore } from './dependencies';
import { cachedDestinations } from './destination-list';

/** The outbox events go to: one item per destination that wants the event. */
export const eventOutbox = (): EventOutbox => {
  const deps = { destinations: cachedDestinations(), deliveries: deliveryStore(), now: new Date() };
  return {
    enqueueCaseEvent: (type, alert, caseUrl) =>
      enqueueEvent(deps, caseEvent(type, alert, caseUrl, deps.now), { surveyId: alert.surveyId, touchpoint: alert.touchpoint, severity: alert.severity, ...(alert.themes && { themes: alert.themes }), ...(alert.destinations && { routedTo: alert.destinations }) }, (chat) => chatMessage(chat, caseCard(alert, caseUrl))),
    enqueueResponseEvent: (response, comment) =>
      enqueueEvent(
        deps,
        eventEnvelope('response.completed', responseEventData(response, comment), { subjectId: response.id, sequence: response.revision, occurredAt: deps.now }),
        { surveyId: response.surveyId, touchpoint: response.touchpoint, ...(response.scores && { severity: response.scores.severity }), ...(response.analysis && { themes: response.analysis.themes }) },
        (chat) => chatMessage(chat, responseCard(response, comment)),
      ),
  };
};

/** One attempt at a delivery, as of now, counted: sent, failed (retried later), or given up (alarmed). */
export async function deliver(delivery: Delivery): Promise<AttemptOutcome> {
  const outcome = await attemptDelivery(
    { destinations: destinationStore(), deliveries: deliveryStore(), sender: nodeHttpSender, resolver: dnsResolver, allowLocalHttp: allowLocalDestinations(), timeScale: localTimeScale(), now: new Date() },
    delivery,
  );
  const metric = { delivered: 'DeliveriesSent', retry: 'DeliveriesFailed', dead: 'DeliveriesGivenUp', gone: 'DeliveriesGivenUp', skipped: undefined, cancelled: undefined }[outcome];
  if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
  if (outcome === 'dead' || outcome === 'gone') logger.warn('delivery given up', { destinationId: delivery.destinationId, eventId: delivery.eventId, outcome });
  return outcome;
}
