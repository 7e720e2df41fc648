import type { ProcessingDeps } from '../domain/loop/processing';
import { alertingDeps } from './alerting-deps';
import { textReader } from './text-reader';
import { eventOutbox } from './destination-deps';
import { contactHistoryStore, customerStore, erasureStore, responseStore, surveyStore } from './dependencies';

/** What processing a response needs besides alerting: the response, its survey, the customer, their contact history. */
export async function processingDeps(): Promise<ProcessingDeps> {
  return { ...(await alertingDeps()), outbox: eventOutbox(), reader: textReader(), responses: responseStore(), surveys: surveyStore(), customers: customerStore(), contacts: contactHistoryStore(), erasure: erasureStore() };
}
