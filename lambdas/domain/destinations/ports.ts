import type { Destination } from './destinations';

/** Destinations (`DESTINATION#<id>`), listed on gsi1. */
export interface DestinationStore {
  putDestination(destination: Destination): Promise<void>;
  getDestination(id: string): Promise<Destination | undefined>;
  listDestinations(): Promise<Destination[]>;
  deleteDestination(id: string): Promise<boolean>;
}
