import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DELIVERY_KEPT_DAYS, type Attempt, type Delivery } from '../../domain/destinations/delivery';
import type { DeliveryStore } from '../../domain/destinations/ports';
import { table } from '../../pipeline';
import { keys, PENDING_SHARDS } from './keys';
import { conditionally, entityOf, TableStore } from './table';

const KEPT_ATTEMPTS = 10;

/**
 * The outbox and delivery log: `DELIVERY#<destinationId>` / `<createdAt>#<eventId>`, so a destination's log is
 * one Query, newest first. A pending delivery is on the sparse gsi2 (`DLVDUE#<shard>`, sorted by when it is
 * due), which the sweeper reads for retries.
 */
export class DynamoDeliveryStore extends TableStore implements DeliveryStore {
  putDelivery(delivery: Delivery): Promise<boolean> {
    const key = keys.delivery(delivery);
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // The event id alone makes the item: a retried producer finds it (whatever its createdAt).
          Item: {
            ...key,
            entity: 'delivery',
            ...delivery,
            gsi2pk: keys.deliveryDue(delivery.eventId),
            gsi2sk: `${delivery.nextAttemptAt}#${delivery.eventId}`,
            expiresAt: Math.floor(Date.parse(delivery.createdAt) / 1000) + DELIVERY_KEPT_DAYS * 86400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
  claimAttempt(delivery: Delivery, now: Date, leaseUntil: Date): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(delivery),
          UpdateExpression: 'SET nextAttemptAt = :lease, gsi2sk = :sk',
          ConditionExpression: 'attemptCount = :count AND #s = :pending AND nextAttemptAt <= :now',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':lease': leaseUntil.toISOString(), ':sk': `${leaseUntil.toISOString()}#${delivery.eventId}`, ':count': delivery.attemptCount, ':pending': 'pending', ':now': now.toISOString() },
        }),
      ),
    );
  }
  async recordAttempt(delivery: Delivery, attempt: Attempt, state: Delivery['state'], nextAttemptAt?: Date): Promise<void> {
    const attempts = [...delivery.attempts, attempt].slice(-KEPT_ATTEMPTS);
    const due = state === 'pending' && nextAttemptAt;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(delivery),
        UpdateExpression: `SET attempts = :a, attemptCount = attemptCount + :one, #s = :s${due ? ', nextAttemptAt = :n, gsi2sk = :sk' : ''} REMOVE ${due ? '' : 'nextAttemptAt, gsi2pk, gsi2sk'}`.replace(/ REMOVE $/, ''),
        ConditionExpression: 'attribute_exists(pk) AND attemptCount = :count',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':a': attempts, ':one': 1, ':s': state, ':count': delivery.attemptCount, ...(due && { ':n': nextAttemptAt.toISOString(), ':sk': `${nextAttemptAt.toISOString()}#${delivery.eventId}` }) },
      }),
    );
  }
  async requeueDelivery(delivery: Delivery, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(delivery),
        UpdateExpression: 'SET #s = :pending, nextAttemptAt = :n, gsi2pk = :pk, gsi2sk = :sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':n': now.toISOString(), ':pk': keys.deliveryDue(delivery.eventId), ':sk': `${now.toISOString()}#${delivery.eventId}` },
      }),
    );
  }
  async listDueDeliveries(now: Date, limit: number): Promise<Delivery[]> {
    const found: Delivery[] = [];
    for (let shard = 0; shard < PENDING_SHARDS && found.length < limit; shard++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: table.indexes[1].name,
          KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':p': `DLVDUE#${shard}`, ':now': `${now.toISOString()}\uffff` },
          Limit: limit - found.length,
        }),
      );
      // gsi2 holds keys only: each due delivery is read whole.
      for (const item of out.Items ?? []) {
        const delivery = await this.get<Delivery>({ pk: String(item.pk), sk: String(item.sk) }, true);
        if (delivery) found.push(delivery);
      }
    }
    return found;
  }
  async listDeliveries(destinationId: string, limit: number): Promise<Delivery[]> {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `DELIVERY#${destinationId}` } }),
    );
    // Keyed by event id (so a retried producer finds its item): sorted by time here.
    return (out.Items ?? [])
      .map((item) => {
        // The log shows the delivery, not how it is stored.
        const { entity: _e, expiresAt: _x, ...delivery } = entityOf<Delivery & { entity?: string; expiresAt?: number }>(item)!;
        return delivery as Delivery;
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }
}
