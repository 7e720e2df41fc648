import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { aggregateKeyId, mergeDeltas, type AggregateKey, type Counters, type Granularity } from '../../domain/insight/aggregates';
import type { AggregateStore, RecordDelta, StoredAggregate } from '../../domain/insight/ports';
import type { Item } from './table';

/** Markers outlive the stream's 24 h retention, so any redelivery still finds them. */
const MARKER_TTL_SECONDS = 3 * 24 * 3600;
const MAX_TRANSACTION_ITEMS = 100;
const KEY_FIELDS = new Set(['pk', 'sk', 'surveyId', 'granularity', 'period', 'touchpoint', 'channel', 'entity']);

export const aggregateKeys = {
  partition: (surveyId: string) => `AGG#${surveyId}`,
  sort: (key: Pick<AggregateKey, 'granularity' | 'period' | 'touchpoint' | 'channel'>) => `${key.granularity}#${key.period}#${key.touchpoint}#${key.channel}`,
  marker: (eventId: string) => ({ pk: `AGGDONE#${eventId}`, sk: 'META' }),
};

/**
 * Aggregates in the single table: `AGG#<surveyId>` / `<D|W|M>#<period>#<touchpoint>#<channel>`, counters as
 * number attributes. A survey's cells share a partition, so a report is one Query per granularity.
 */
export class DynamoAggregates implements AggregateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Applies the records' deltas with one transaction per chunk: the ADDs summed per cell, plus a marker per
   * record that must not exist yet. A retried batch finds its applied records' markers; those records are
   * dropped and the rest applied. Returns how many records were applied now (not before).
   */
  async apply(records: readonly RecordDelta[], now: Date): Promise<number> {
    let applied = 0;
    let pending = records.filter((r) => r.deltas.length > 0);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const chunk = this.chunkOf(pending);
      const outcome = await this.transact(chunk, now);
      if (outcome.done) {
        applied += chunk.length;
        pending = pending.slice(chunk.length);
      } else if (outcome.alreadyApplied.size > 0) {
        pending = pending.filter((r) => !outcome.alreadyApplied.has(r.eventId));
      } else if (attempt >= 5) {
        throw new Error('aggregate update kept conflicting with concurrent writes');
      } else {
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    return applied;
  }

  /** The leading records whose markers and summed cells fit one transaction. */
  private chunkOf(records: readonly RecordDelta[]): RecordDelta[] {
    const chunk: RecordDelta[] = [];
    const cells = new Set<string>();
    for (const record of records) {
      const more = record.deltas.map((d) => aggregateKeyId(d.key)).filter((id) => !cells.has(id));
      if (chunk.length > 0 && chunk.length + 1 + cells.size + new Set(more).size > MAX_TRANSACTION_ITEMS) break;
      chunk.push(record);
      for (const id of more) cells.add(id);
    }
    return chunk;
  }

  private async transact(chunk: readonly RecordDelta[], now: Date): Promise<{ done: true } | { done: false; alreadyApplied: Set<string> }> {
    const merged = mergeDeltas(chunk.flatMap((r) => r.deltas));
    const markers = chunk.map((r) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...aggregateKeys.marker(r.eventId), entity: 'aggregateMarker', expiresAt: Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const updates = merged.map(({ key, counters }) => {
      const entries = Object.entries(counters);
      return {
        Update: {
          TableName: this.tableName,
          Key: { pk: aggregateKeys.partition(key.surveyId), sk: aggregateKeys.sort(key) },
          UpdateExpression: `SET entity = :entity, surveyId = :surveyId, granularity = :granularity, period = :period, touchpoint = :touchpoint, channel = :channel ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
          ExpressionAttributeValues: {
            ':entity': 'aggregate',
            ':surveyId': key.surveyId,
            ':granularity': key.granularity,
            ':period': key.period,
            ':touchpoint': key.touchpoint,
            ':channel': key.channel,
            ...Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
          },
        },
      };
    });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...markers, ...updates] }));
      return { done: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const alreadyApplied = new Set(chunk.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((r) => r.eventId));
      if (alreadyApplied.size === 0 && !reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
      return { done: false, alreadyApplied };
    }
  }

  /** The cells of a survey at one granularity, periods `from`..`to` inclusive (e.g. days `2026-09-01`..`2026-11-24`). */
  async query(surveyId: string, granularity: Granularity, from: string, to: string): Promise<StoredAggregate[]> {
    const found: StoredAggregate[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': aggregateKeys.partition(surveyId), ':from': `${granularity}#${from}`, ':to': `${granularity}#${to}#\uffff` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) found.push(storedAggregate(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }
}

function storedAggregate(item: Item): StoredAggregate {
  const counters: Counters = {};
  for (const [name, value] of Object.entries(item)) if (!KEY_FIELDS.has(name) && typeof value === 'number') counters[name] = value;
  return {
    surveyId: String(item.surveyId),
    granularity: item.granularity as Granularity,
    period: String(item.period),
    touchpoint: String(item.touchpoint),
    channel: String(item.channel),
    counters,
  };
}
