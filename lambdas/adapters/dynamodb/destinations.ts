import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Destination } from '../../domain/destinations/destinations';
import type { DestinationStore } from '../../domain/destinations/ports';
import { keys } from './keys';
import { conditionally, TableStore } from './table';

/** Destinations (`DESTINATION#<id>` / `META`), all in one gsi1 partition (`DESTINATIONS`): a handful, read often and cached. */
export class DynamoDestinationStore extends TableStore implements DestinationStore {
  async putDestination(destination: Destination): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.destination(destination.id), entity: 'destination', gsi1pk: keys.destinations, gsi1sk: `${destination.createdAt}#${destination.id}`, ...destination } }));
  }
  getDestination(id: string) {
    return this.get<Destination>(keys.destination(id), true);
  }
  async listDestinations(): Promise<Destination[]> {
    const found: Destination[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listByGsi1<Destination>(keys.destinations, { limit: 100, ...(cursor && { cursor }) });
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }
  deleteDestination(id: string): Promise<boolean> {
    return conditionally(this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.destination(id), ConditionExpression: 'attribute_exists(pk)' })));
  }
}
