import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../../domain/kernel/errors';
import type { Page, PageRequest, PutOutcome } from '../../domain/kernel/store';
import { table } from '../../pipeline';
import { PENDING_SHARDS } from './keys';

/* The single table's plumbing, shared by every store: the document client, conditional writes, paging. */
export type Item = Record<string, unknown>;

export const documentClient = (client: DynamoDBClient = new DynamoDBClient({})) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** Runs a conditional write: true when written, false when its condition did not hold. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity'];
/** The entity stored in an item, without the table's key and type attributes. */
export function entityOf<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

export const CURSOR_KEYS = ['gsi1pk', 'gsi1sk', 'pk', 'sk'];

/** How many reads a filtered listing makes to fill one page before it answers with what it found. */
export const MAX_FILTERED_READS = 10;

function encodeCursor(key: Item | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

function decodeCursor(cursor: string | undefined, partition: string): Item | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor only continues the listing it came from, and holds exactly a gsi1 key: anything else would
    // reach DynamoDB as an invalid ExclusiveStartKey.
    const valid =
      key &&
      typeof key === 'object' &&
      key.gsi1pk === partition &&
      Object.keys(key).sort().join() === [...CURSOR_KEYS].sort().join() &&
      CURSOR_KEYS.every((k) => typeof key[k] === 'string' && key[k].length > 0 && key[k].length <= 512);
    if (valid) return key;
  } catch {
    /* falls through to the error below */
  }
  throw new DomainError(400, 'validation_failed', 'cursor is not valid for this listing', [{ field: 'cursor', message: 'use nextCursor from the previous page' }]);
}

/** A store over the single table: one per context, each with the reads and writes of its own items. */
export abstract class TableStore {
  protected readonly doc: DynamoDBDocumentClient;

  constructor(
    protected readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  protected async putNew(item: Item): Promise<PutOutcome> {
    const written = await conditionally(this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })));
    return written ? 'created' : 'exists';
  }
  protected async get<T>(key: { pk: string; sk: string }, consistent = false): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }));
    return entityOf<T>(out.Item);
  }

  /**
   * A gsi1 partition, newest first; or oldest first within sort keys `between` (inclusive). With `keep`, only
   * the items it accepts, the page filled up to its limit across as many reads as that takes (at most
   * {@link MAX_FILTERED_READS}; a page cut short by that says `filtered`), the cursor after the last item given.
   */
  protected async listByGsi1<T>(partition: string, page: PageRequest, between?: readonly [string, string], keep?: (item: T) => boolean): Promise<Page<T> & { filtered?: true }> {
    const items: T[] = [];
    let start = decodeCursor(page.cursor, partition);
    for (let reads = 0; ; reads++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: table.indexes[0].name,
          KeyConditionExpression: between ? 'gsi1pk = :p AND gsi1sk BETWEEN :from AND :to' : 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': partition, ...(between && { ':from': between[0], ':to': between[1] }) },
          ScanIndexForward: Boolean(between),
          // Filtering reads ahead; the cursor is then made from the last item given, so nothing is skipped.
          Limit: keep ? Math.max(page.limit - items.length, 25) : page.limit,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of out.Items ?? []) {
        const item = entityOf<T>(raw) as T;
        if (keep && !keep(item)) continue;
        items.push(item);
        if (keep && items.length === page.limit) {
          const more = raw !== out.Items![out.Items!.length - 1] || out.LastEvaluatedKey;
          const cursor = encodeCursor(Object.fromEntries(CURSOR_KEYS.map((k) => [k, raw[k]])));
          return more && cursor ? { items, nextCursor: cursor } : { items };
        }
      }
      start = out.LastEvaluatedKey;
      const nextCursor = encodeCursor(start);
      if (!keep || !nextCursor) return nextCursor ? { items, nextCursor } : { items };
      if (reads + 1 >= MAX_FILTERED_READS) return { items, nextCursor, filtered: true };
    }
  }

  /**
   * Moves a parked item back onto a gsi2 partition (due at `dueAt`), forgetting its failures (`forgotten`);
   * nothing when it is not parked (any more).
   */
  protected async unpark(key: { pk: string; sk: string }, parkedPrefix: string, partition: string, dueAt: Date, forgotten: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET gsi2pk = :pk, gsi2sk = :sk REMOVE ${forgotten}`,
          ConditionExpression: 'begins_with(gsi2pk, :parked)',
          ExpressionAttributeValues: { ':pk': partition, ':sk': `${dueAt.toISOString()}#${key.pk.slice(key.pk.indexOf('#') + 1)}`, ':parked': parkedPrefix },
        }),
      ),
    );
  }

  /** Ids of the items in the sharded gsi2 partitions `<partition><n>` sorted at or before `before`. */
  protected async sparseIndexIds(partition: string, itemPrefix: string, before: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    for (let shard = 0; shard < PENDING_SHARDS && ids.length < limit; shard++) {
      let start: Item | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: table.indexes[1].name,
            KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :before',
            ExpressionAttributeValues: { ':p': `${partition}${shard}`, ':before': before },
            Limit: limit - ids.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) ids.push(String(item.pk).slice(itemPrefix.length));
        start = out.LastEvaluatedKey;
      } while (start && ids.length < limit);
    }
    return ids;
  }
}
