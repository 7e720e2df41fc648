import { attemptDelivery, enqueueCaseEvent, type Delivery } from '../domain/destinations/delivery';
import type { EventOutbox } from '../domain/loop/ports';
import { dnsResolver, nodeHttpSender } from '../adapters/http-sender';
import { slackCaseMessage, teamsCaseCard } from '../views/chat';
import { allowLocalDestinations } from './config';
import { deliveryStore, destinationStore } from './dependencies';

/** The outbox a case's events go to: one item per destination that wants the event. */
export const eventOutbox = (): EventOutbox => ({
  enqueueCaseEvent: (type, alert, caseUrl) =>
    enqueueCaseEvent(
      { destinations: destinationStore(), deliveries: deliveryStore(), render: (d, a, url) => (d.type === 'slack' ? slackCaseMessage(a, url) : teamsCaseCard(a, url)), now: new Date() },
      type,
      alert,
      caseUrl,
    ),
});

/** One attempt at a delivery, as of now. */
export const deliver = (delivery: Delivery) =>
  attemptDelivery({ destinations: destinationStore(), deliveries: deliveryStore(), sender: nodeHttpSender, resolver: dnsResolver, allowLocalHttp: allowLocalDestinations(), now: new Date() }, delivery);
