import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Destination } from '../../domain/destinations/destinations';
import type { DestinationStore } from '../../domain/destinations/ports';
import { keys } from './keys';
import { conditionally, TableStore } from './table';

/** Destinations (`DESTINATION#<id>` / `META`), all in one gsi1 partition (`DESTINATIONS`): a handful, read often and cached. */
export class DynamoDestinationStore extends TableStore implements DestinationStore {
  private item(destination: Destination) {
    return { ...keys.destination(destination.id), entity: 'destination', gsi1pk: keys.destinations, gsi1sk: `${destination.createdAt}#${destination.id}`, ...destination };
  }
  async putDestination(destination: Destination): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(destination), ConditionExpression: 'attribute_not_exists(pk)' }));
  }
  saveDestination(destination: Destination, expectedVersion: number): Promise<boolean> {
    return conditionally(this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(destination), ...versionIs(expectedVersion) })));
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
  deleteDestination(id: string, expectedVersion: number): Promise<boolean> {
    return conditionally(this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.destination(id), ...versionIs(expectedVersion) })));
  }
}

/** It exists and is at this version (0: written before destinations had versions). */
const versionIs = (expected: number) => ({
  ConditionExpression: 'attribute_exists(pk) AND (#v = :v OR (attribute_not_exists(#v) AND :v = :zero))',
  ExpressionAttributeNames: { '#v': 'version' },
  ExpressionAttributeValues: { ':v': expected, ':zero': 0 },
});
