import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ErasureAudit, ErasureStore } from '../../domain/people/ports';
import { keys } from './keys';

/** Erasure's deletes, and its audit trail by month (`AUDIT#<yyyy-mm>`). */
export class DynamoErasure implements ErasureStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async customerItems(customerId: string) {
    const items: { sk: string; itemId?: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` }, ProjectionExpression: 'sk, itemId', ExclusiveStartKey: start }));
      for (const item of out.Items ?? []) items.push({ sk: String(item.sk), ...(typeof item.itemId === 'string' && { itemId: item.itemId }) });
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async responseContact(responseId: string) {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.response(responseId), ConsistentRead: true, ProjectionExpression: 'contact' }));
    return out.Item?.contact as { email?: string; phone?: string } | undefined;
  }

  /** True when there was an item to delete. */
  async deleteItem(pk: string, sk: string) {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  async markErased(subject: string, until: Date) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `ERASED#${subject}`, sk: 'META', entity: 'erasureMark', until: until.toISOString(), expiresAt: Math.floor(until.getTime() / 1000) } }));
  }
  async erasedRecently(subject: string, now: Date) {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `ERASED#${subject}`, sk: 'META' }, ConsistentRead: true }));
    // TTL removes expired items within days, not at once: the mark's own date decides.
    return out.Item !== undefined && String(out.Item.until) > now.toISOString();
  }
  async putAudit(record: ErasureAudit) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `AUDIT#${record.at.slice(0, 7)}`, sk: record.auditId, entity: 'audit', ...record } }));
  }

  async listAudit(month: string) {
    const out: ErasureAudit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${month}` }, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, entity: _entity, ...record } = item;
        out.push(record as ErasureAudit);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
