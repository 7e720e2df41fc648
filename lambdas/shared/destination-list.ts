import type { Destination } from '../domain/destinations/destinations';
import { takesEvent } from '../domain/destinations/events';
import type { DestinationStore } from '../domain/destinations/ports';
import { destinationStore } from './dependencies';

/**
 * How long a container trusts its list of destinations: a new or changed destination takes effect within
 * this. A minute in AWS; the local runtime sets `DESTINATIONS_CACHE_SECONDS` to 1, so a test's new
 * destination gets the next event.
 */
const cacheMs = () => {
  const seconds = Number(process.env.DESTINATIONS_CACHE_SECONDS ?? 60);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
};

let cached: { readonly at: number; readonly list: Promise<Destination[]> } | undefined;

/**
 * The destinations, read at most once a minute per container: producers ask on every case and (when one
 * subscribes) every response, and a stack without destinations must not pay a read each time.
 */
export const cachedDestinations = (): Pick<DestinationStore, 'listDestinations'> => ({
  listDestinations: () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs()) {
      const list = destinationStore().listDestinations();
      cached = { at: now, list };
      // A failed read is not kept: the next call reads again.
      list.catch(() => (cached = undefined));
    }
    return cached.list;
  },
});

/** Whether any enabled destination takes `response.completed` now (then every new response goes through processing). */
export const responseEventsWanted = async (): Promise<boolean> => {
  try {
    return (await cachedDestinations().listDestinations()).some((d) => takesEvent(d, 'response.completed'));
  } catch {
    // Unknown: the response goes through processing, which queues the event if a destination takes it.
    return true;
  }
};

