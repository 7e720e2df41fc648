import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { aggregateKeyId, mergeDeltas, type AggregateDelta, type AggregateKey, type Counters, type Granularity } from '../../domain/insight/aggregates';
import type { AggregateStore, JournalEntry, RecordDelta, StoredAggregate } from '../../domain/insight/ports';
import type { Item } from './table';

/** Markers outlive the stream's 24 h retention, so any redelivery still finds them. */
const MARKER_TTL_SECONDS = 3 * 24 * 3600;
const MAX_TRANSACTION_ITEMS = 100;
const KEY_FIELDS = new Set(['pk', 'sk', 'surveyId', 'granularity', 'period', 'touchpoint', 'channel', 'entity']);

export const aggregateKeys = {
  partition: (surveyId: string) => `AGG#${surveyId}`,
  sort: (key: Pick<AggregateKey, 'granularity' | 'period' | 'touchpoint' | 'channel'>) => `${key.granularity}#${key.period}#${key.touchpoint}#${key.channel}`,
  marker: (eventId: string) => ({ pk: `AGGDONE#${eventId}`, sk: 'META' }),
  /** While it exists, a rebuild holds the survey's cells. */
  hold: (surveyId: string) => ({ pk: `AGGHOLD#${surveyId}`, sk: 'META' }),
  journal: (surveyId: string, eventId: string) => ({ pk: `AGGJ#${surveyId}`, sk: eventId }),
};

const surveyOf = (record: RecordDelta) => record.deltas[0].key.surveyId;
const cellFields = (key: AggregateKey) => ({
  ':entity': 'aggregate',
  ':surveyId': key.surveyId,
  ':granularity': key.granularity,
  ':period': key.period,
  ':touchpoint': key.touchpoint,
  ':channel': key.channel,
});

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
   * dropped and the rest applied. The transaction also checks each survey's rebuild hold: a held survey's
   * records go to its journal instead of its cells, so no change slips past a rebuild. Returns how many
   * records were applied now (not before).
   */
  async apply(records: readonly RecordDelta[], now: Date): Promise<number> {
    let applied = 0;
    let pending = records.filter((r) => r.deltas.length > 0);
    // Surveys whose cells a rebuild holds, as the last transaction found them.
    const held = new Set<string>();
    for (let attempt = 0; pending.length > 0; attempt++) {
      const chunk = this.chunkOf(pending, held);
      const outcome = await this.transact(chunk, held, now);
      if (outcome.done) {
        applied += chunk.length;
        pending = pending.slice(chunk.length);
      } else if (outcome.alreadyApplied.size > 0 || outcome.holdChanged) {
        pending = pending.filter((r) => !outcome.alreadyApplied.has(r.eventId));
      } else if (attempt >= 5) {
        throw new Error('aggregate update kept conflicting with concurrent writes');
      } else {
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    return applied;
  }

  /** The leading records whose markers, hold checks, journal entries and summed cells fit one transaction. */
  private chunkOf(records: readonly RecordDelta[], held: ReadonlySet<string>): RecordDelta[] {
    const chunk: RecordDelta[] = [];
    const cells = new Set<string>();
    const surveys = new Set<string>();
    let journaled = 0;
    for (const record of records) {
      const survey = surveyOf(record);
      const holding = held.has(survey);
      const more = holding ? [] : [...new Set(record.deltas.map((d) => aggregateKeyId(d.key)).filter((id) => !cells.has(id)))];
      const size = chunk.length + 1 + journaled + (holding ? 1 : 0) + surveys.size + (surveys.has(survey) ? 0 : 1) + cells.size + more.length;
      if (chunk.length > 0 && size > MAX_TRANSACTION_ITEMS) break;
      chunk.push(record);
      surveys.add(survey);
      if (holding) journaled += 1;
      for (const id of more) cells.add(id);
    }
    return chunk;
  }

  private async transact(
    chunk: readonly RecordDelta[],
    held: Set<string>,
    now: Date,
  ): Promise<{ done: true } | { done: false; alreadyApplied: Set<string>; holdChanged: boolean }> {
    const markers = chunk.map((r) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...aggregateKeys.marker(r.eventId), entity: 'aggregateMarker', expiresAt: Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const surveys = [...new Set(chunk.map(surveyOf))];
    const holdChecks = surveys.map((survey) => ({
      ConditionCheck: { TableName: this.tableName, Key: aggregateKeys.hold(survey), ConditionExpression: held.has(survey) ? 'attribute_exists(pk)' : 'attribute_not_exists(pk)' },
    }));
    const journal = chunk
      .filter((r) => held.has(surveyOf(r)))
      .map((r) => ({
        Put: {
          TableName: this.tableName,
          Item: { ...aggregateKeys.journal(surveyOf(r), r.eventId), entity: 'aggregateJournal', deltas: r.deltas, ...(r.responseId && { responseId: r.responseId }), ...(r.version !== undefined && { version: r.version }) },
        },
      }));
    const merged = mergeDeltas(chunk.filter((r) => !held.has(surveyOf(r))).flatMap((r) => r.deltas));
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...markers, ...holdChecks, ...journal, ...merged.map((d) => this.addTo(d))] }));
      return { done: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const alreadyApplied = new Set(chunk.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((r) => r.eventId));
      // A hold that came or went since the last look: route the survey's records the other way.
      const changed = surveys.filter((_, i) => reasons[markers.length + i]?.Code === 'ConditionalCheckFailed');
      for (const survey of changed) {
        if (held.has(survey)) held.delete(survey);
        else held.add(survey);
      }
      if (alreadyApplied.size === 0 && changed.length === 0 && !reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
      return { done: false, alreadyApplied, holdChanged: changed.length > 0 };
    }
  }

  /** The ADD of one cell's summed change, creating the cell with its key fields when it is new. */
  private addTo({ key, counters }: AggregateDelta) {
    const entries = Object.entries(counters);
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: aggregateKeys.partition(key.surveyId), sk: aggregateKeys.sort(key) },
        UpdateExpression: `SET entity = :entity, surveyId = :surveyId, granularity = :granularity, period = :period, touchpoint = :touchpoint, channel = :channel ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: {
          ...cellFields(key),
          ...Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
        },
      },
    };
  }

  async hold(surveyId: string, now: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...aggregateKeys.hold(surveyId), entity: 'aggregateHold', since: now.toISOString() } }));
  }

  async release(surveyId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: aggregateKeys.hold(surveyId) }));
  }

  async heldSince(surveyId: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: aggregateKeys.hold(surveyId), ConsistentRead: true }));
    return out.Item ? String(out.Item.since) : undefined;
  }

  async journal(surveyId: string): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': aggregateKeys.journal(surveyId, '').pk }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        entries.push({ eventId: String(item.sk), deltas: item.deltas as AggregateDelta[], ...(item.responseId && { responseId: String(item.responseId) }), ...(typeof item.version === 'number' && { version: item.version }) });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async settleJournalEntry(surveyId: string, eventId: string, deltas: readonly AggregateDelta[]): Promise<void> {
    const remove = { Delete: { TableName: this.tableName, Key: aggregateKeys.journal(surveyId, eventId), ConditionExpression: 'attribute_exists(pk)' } };
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [remove, ...mergeDeltas(deltas).map((d) => this.addTo(d))] }));
    } catch (error) {
      // Settled already (a rebuild run beside this one): nothing to add.
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return;
      throw error;
    }
  }

  async replaceCells(cells: readonly AggregateDelta[]): Promise<void> {
    for (let i = 0; i < cells.length; i += 10) {
      await Promise.all(
        cells.slice(i, i + 10).map(({ key, counters }) =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: aggregateKeys.partition(key.surveyId), sk: aggregateKeys.sort(key), entity: 'aggregate', surveyId: key.surveyId, granularity: key.granularity, period: key.period, touchpoint: key.touchpoint, channel: key.channel, ...counters },
            }),
          ),
        ),
      );
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
