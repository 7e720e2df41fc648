import { isWellFormedId, newId } from '../domain/kernel/ids';
import { DomainError, notFound, validationError } from '../domain/kernel/errors';
import { checkStillReachable } from '../domain/destinations/routes';
import { replayDeliveries } from '../domain/destinations/delivery';
import { createDestination, describeDestination, DestinationRequestSchema, rotateSecret, updateDestination } from '../domain/destinations/destinations';
import { deliveryStore, destinationStore, surveyStore } from '../shared/dependencies';
import { allowLocalDestinations } from '../shared/config';
import { httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

const isDestinationId = isWellFormedId;

/**
 * Destinations (admin): `POST /admin/destinations` (a signed webhook's secret is in this answer only),
 * `GET /admin/destinations`, `GET|PUT|DELETE /admin/destinations/{destinationId}`, and
 * `POST /admin/destinations/{destinationId}/rotate` (a new secret; the old one signs beside it for 24 hours).
 */
export const handler = httpHandler(async (event) => {
  const store = destinationStore();
  const now = new Date();
  const method = event.requestContext.http.method;
  const options = { allowLocalHttp: allowLocalDestinations() };
  const id = event.pathParameters?.destinationId === undefined ? undefined : pathParam(event, 'destinationId');
  if (id !== undefined && !isDestinationId(id)) throw notFound('Destination', 'destinationId');
  if (id === undefined) {
    if (method === 'GET') return json(200, { items: (await store.listDestinations()).map((d) => describeDestination(d, now)) });
    const parsed = DestinationRequestSchema.safeParse(parseBody(event));
    if (!parsed.success) throw validationError('the destination is not valid', zodDetails(parsed.error.issues));
    const { destination, secret } = await createDestination(store, parsed.data, newId(), now, options);
    return json(201, { ...describeDestination(destination, now), ...(secret && { secret }) });
  }
  if (event.rawPath.endsWith('/deliveries')) {
    if (!(await store.getDestination(id))) throw notFound('Destination', 'destinationId');
    // The last attempts, newest first: what was sent, how it was answered, and when the next try is.
    const items = (await deliveryStore().listDeliveries(id, 50)).map(({ body: _body, ...rest }) => rest);
    return json(200, { items });
  }
  if (event.rawPath.endsWith('/replay')) {
    if (!(await store.getDestination(id))) throw notFound('Destination', 'destinationId');
    const body = parseBody(event);
    const unknown = Object.keys(body).filter((k) => k !== 'since');
    if (unknown.length > 0) throw validationError('a replay takes only since', unknown.map((field) => ({ field, message: 'not a field of a replay' })));
    const raw = body.since;
    const since = raw === undefined ? undefined : typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? new Date(raw) : undefined;
    if (raw !== undefined && !since) throw validationError('since must be a date and time', [{ field: 'since', message: 'an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z' }]);
    return json(202, { id, requeued: await replayDeliveries({ deliveries: deliveryStore(), now }, id, since) });
  }
  if (event.rawPath.endsWith('/rotate')) {
    const { destination, secret } = await rotateSecret(store, id, now);
    return json(200, { ...describeDestination(destination, now), secret });
  }
  if (method === 'DELETE') {
    const current = await store.getDestination(id);
    if (!current) throw notFound('Destination', 'destinationId');
    await checkStillReachable(surveyStore(), current, 'delete');
    if (!(await store.deleteDestination(id, current.version ?? 0))) throw new DomainError(409, 'concurrent_change', 'the destination changed while it was deleted; read it again', [{ field: 'destinationId', message: 'changed meanwhile' }]);
    return json(200, { id, deleted: true });
  }
  if (method === 'PUT') {
    const parsed = DestinationRequestSchema.safeParse(parseBody(event));
    if (!parsed.success) throw validationError('the destination is not valid', zodDetails(parsed.error.issues));
    const updated = await updateDestination(store, id, parsed.data, now, options, (current, request) => checkStillReachable(surveyStore(), current, request));
    return json(200, describeDestination(updated, now));
  }
  const found = await store.getDestination(id);
  if (!found) throw notFound('Destination', 'destinationId');
  return json(200, describeDestination(found, now));
});
