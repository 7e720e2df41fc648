import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestClaimKey, DigestClaims } from '../../domain/destinations/digests';
import { keys } from './keys';
import { conditionally, TableStore } from './table';

/** Claims and done marks of digests live 60 days (the table's TTL), far past any retry. */
const KEEP_SECONDS = 60 * 86_400;
const expiry = (now: Date) => Math.floor(now.getTime() / 1000) + KEEP_SECONDS;
const claimKey = (k: DigestClaimKey) => keys.digestClaim(k.recipient, k.surveyId, k.period);

export class DynamoDigestClaims extends TableStore implements DigestClaims {
  claim(key: DigestClaimKey, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...claimKey(key), entity: 'digest', state: 'claimed', claimedBy: claimant, claimedUntil: new Date(now.getTime() + leaseMs).toISOString(), expiresAt: expiry(now) },
          // Free, given back after a failed send, or claimed by a run whose lease lapsed (it crashed between claim
          // and send); never once sent. The claimant's own claim again: the SDK retries a write whose answer was lost.
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :released OR (#state = :claimed AND (claimedUntil < :now OR claimedBy = :me))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':released': 'released', ':now': now.toISOString(), ':me': claimant },
        }),
      ),
    );
  }
  async release(key: DigestClaimKey, claimant: string): Promise<void> {
    // Given back by an update, not a delete: the escalation function holds no DeleteItem grant.
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(key),
          UpdateExpression: 'SET #state = :released REMOVE claimedBy, claimedUntil',
          ConditionExpression: '#state = :claimed AND claimedBy = :me',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':released': 'released', ':me': claimant },
        }),
      ),
    );
  }
  async markSent(key: DigestClaimKey, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({ TableName: this.tableName, Key: claimKey(key), UpdateExpression: 'SET #state = :sent, sentAt = :now REMOVE claimedUntil', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() } }),
    );
  }
  async isDone(surveyId: string, period: string): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.digestDone(surveyId, period), ConsistentRead: true }));
    return out.Item !== undefined;
  }
  async markDone(surveyId: string, period: string, now: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.digestDone(surveyId, period), entity: 'digest-done', doneAt: now.toISOString(), expiresAt: expiry(now) } }));
  }
}
