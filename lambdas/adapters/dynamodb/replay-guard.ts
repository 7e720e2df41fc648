import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReplayGuard } from '../../domain/outreach/phone/ports';
import { conditionally, documentClient } from './table';

/**
 * Token ids kept in the single table (`WEBHOOKJTI#<jti>` / `META`) with a conditional put, so two deliveries
 * of one token race for one item; `expiresAt` is the table's TTL attribute and removes the item once the
 * token could no longer pass the freshness check anyway.
 */
export class DynamoReplayGuard implements ReplayGuard {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  firstUse(id: string, expiresAt: Date): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `WEBHOOKJTI#${id}`, sk: 'META', entity: 'webhook-jti', expiresAt: Math.ceil(expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
