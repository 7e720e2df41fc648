import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerProfile } from '../../domain/people/customer-schema';
import type { ContactHistory, ContactHistoryStore, CustomerStore, TimelineKind } from '../../domain/people/ports';
import { keys } from './keys';
import { TableStore } from './table';

/** Customer profiles (`CUSTOMER#<id>` / `META`) and their timelines (pointers in the same partition). */
export class DynamoCustomerStore extends TableStore implements CustomerStore {
  async putCustomer(profile: CustomerProfile) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.customer(profile.customerId), entity: 'customer', ...profile } }));
  }
  getCustomer(id: string) {
    return this.get<CustomerProfile>(keys.customer(id), true);
  }
  async addToCustomerTimeline(customerId: string, kind: TimelineKind, at: string, itemId: string, expiresAt?: number) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.customerEvent(customerId, kind, at, itemId), entity: 'customerEvent', kind, at, itemId, ...(expiresAt && { expiresAt }) } }));
  }
  async customerTimeline(customerId: string, kind: 'RESPONSE' | 'CASE', limit: number): Promise<string[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk, ':kind': `${kind}#` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => String(i.itemId));
  }
}

/** Contact history (`CONTACT#<keyed hash>`) of every identity of a person. */
export class DynamoContactHistoryStore extends TableStore implements ContactHistoryStore {
  getContactHistory(key: string) {
    return this.get<ContactHistory>(keys.contact(key), true);
  }
  async recordContact(key: string, kind: 'invited' | 'answered', at: string) {
    // Kept a little over a year after the last contact: fatigue rules look back at most 365 days.
    const expiresAt = Math.floor(Date.parse(at) / 1000) + 400 * 86400;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(key),
        UpdateExpression:
          kind === 'invited'
            ? 'SET entity = :e, invitedAt = list_append(if_not_exists(invitedAt, :none), :at), expiresAt = :x'
            : 'SET entity = :e, answeredAt = :one, invitedAt = if_not_exists(invitedAt, :none), expiresAt = :x',
        ExpressionAttributeValues: { ':e': 'contact', ':none': [], ':x': expiresAt, ...(kind === 'invited' ? { ':at': [at] } : { ':one': at }) },
      }),
    );
  }
}
