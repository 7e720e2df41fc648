import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumerDefinition } from '../lambdas/pipeline';
import { matchesAnyFilter } from './event-filter';

export type ConsumerInvoker = (consumer: StreamConsumerDefinition, event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly region: string;
  /** The one consumer this poller feeds: each has its own event source mapping, so its own poller. */
  readonly consumer: StreamConsumerDefinition;
  readonly invoke: ConsumerInvoker;
  /** Where shard checkpoints persist between runs; in memory when absent. */
  readonly checkpointFile?: string;
  /** Where pointers to records that exhausted their retries go (the local stand-in for the SQS on-failure destination). */
  readonly deadLetterFile?: string;
  readonly log: (message: string) => void;
  /** Pause between passes over the shards (unless one has a backlog), as Lambda polls a few times a second. @default 250 */
  readonly idleDelayMs?: number;
}

/** GetRecords page size; a full page means the shard has a backlog. */
const RECORDS_PER_READ = 100;

const base64 = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value);

/**
 * One attribute value as Lambda delivers it: binary as base64 strings, and an empty map as `{"M":{}}` (the
 * streams client hands an empty map over as `{}`, which nothing can unmarshall).
 */
function toLambdaAttribute(value: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: toLambdaAttributes(value.M as Record<string, unknown>) };
  if (Array.isArray(value.L)) return { L: value.L.map((v) => toLambdaAttribute(v as Record<string, unknown>)) };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (Array.isArray(value.BS)) return { BS: value.BS.map(base64) };
  return value;
}

/** An image (attribute name → value) as Lambda delivers it. */
function toLambdaAttributes(image: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value as Record<string, unknown>)]));
}

/**
 * The record as the Lambda event source mapping delivers it. DynamoDB Local leaves out `eventSourceARN`
 * and returns the creation time as a Date; Lambda gives the ARN and epoch seconds.
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  const seconds = created instanceof Date ? Math.floor(created.getTime() / 1000) : typeof created === 'number' ? created : Math.floor(Date.now() / 1000);
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE' ? record.eventName : 'REMOVE',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: seconds,
      Keys: toLambdaAttributes(d.Keys) as never,
      ...(d.NewImage && { NewImage: toLambdaAttributes(d.NewImage) as never }),
      ...(d.OldImage && { OldImage: toLambdaAttributes(d.OldImage) as never }),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
  // TTL deletions are made by the DynamoDB service principal.
  if (record.userIdentity) out.userIdentity = { type: record.userIdentity.Type ?? 'Service', principalId: record.userIdentity.PrincipalId ?? 'dynamodb.amazonaws.com' };
  return out;
}

/**
 * Reads the table's stream shard by shard and invokes its consumer like an event source mapping does:
 * filtered, batched, with partial batch failures retried from the first failed record, bounded retries,
 * and a dead-letter file for records that never succeed. A shard's checkpoint advances only after the
 * consumer has handled its records.
 */
export class StreamPoller {
  private readonly iterators = new Map<string, string>();
  private readonly closedShards = new Set<string>();
  private checkpoints: Record<string, string> = {};
  private running = false;
  private loop?: Promise<void>;
  private idleWaiters: (() => void)[] = [];
  /** Records delivered since start, so a caller can tell whether pollers side by side have settled. */
  delivered = 0;

  constructor(private readonly options: StreamPollerOptions) {
    if (options.checkpointFile && existsSync(options.checkpointFile)) {
      this.checkpoints = JSON.parse(readFileSync(options.checkpointFile, 'utf8'));
    }
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves after a full pass over every shard found nothing new. */
  waitForIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pass = { delivered: 0, backlog: false };
      try {
        pass = await this.pass();
      } catch (error) {
        this.options.log(`stream poller: ${(error as Error).message}`);
      }
      if (pass.delivered === 0) this.idleWaiters.splice(0).forEach((w) => w());
      // As Lambda's event source mapping polls each shard a few times a second, records arriving meanwhile
      // go out as one batch; only a backlog (a full page) is read again at once.
      if (!pass.backlog) await new Promise((r) => setTimeout(r, this.options.idleDelayMs ?? 250));
    }
    this.idleWaiters.splice(0).forEach((w) => w());
  }

  private async shardIds(): Promise<string[]> {
    const ids: string[] = [];
    let start: string | undefined;
    do {
      const out = await this.options.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
      for (const shard of out.StreamDescription?.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId);
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return ids.filter((id) => !this.closedShards.has(id));
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    const known = this.iterators.get(shardId);
    if (known) return known;
    const after = this.checkpoints[shardId];
    const out = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        SequenceNumber: after,
      }),
    );
    return out.ShardIterator;
  }

  /** One pass over all shards: how many records were delivered, and whether a shard had more than a page. */
  private async pass(): Promise<{ delivered: number; backlog: boolean }> {
    let delivered = 0;
    let backlog = false;
    for (const shardId of await this.shardIds()) {
      const iterator = await this.iterator(shardId);
      if (!iterator) continue;
      let out;
      try {
        out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: RECORDS_PER_READ }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          this.iterators.delete(shardId);
          continue;
        }
        throw error;
      }
      const records = (out.Records ?? []).map((r) => toLambdaRecord(r, this.options.streamArn, this.options.region));
      if (records.length === RECORDS_PER_READ) backlog = true;
      if (records.length) {
        await this.deliver(this.options.consumer, records, shardId);
        this.checkpoint(shardId, records[records.length - 1].dynamodb!.SequenceNumber!);
        delivered += records.length;
        this.delivered += records.length;
      }
      if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.closedShards.add(shardId);
      }
    }
    return { delivered, backlog };
  }

  private checkpoint(shardId: string, sequenceNumber: string) {
    this.checkpoints[shardId] = sequenceNumber;
    if (this.options.checkpointFile) writeFileSync(this.options.checkpointFile, JSON.stringify(this.checkpoints));
  }

  private async deliver(consumer: StreamConsumerDefinition, records: DynamoDBRecord[], shardId: string): Promise<void> {
    const matching = records.filter((r) => matchesAnyFilter(r, consumer.filters));
    const batchSize = consumer.batchSize ?? 25;
    for (let i = 0; i < matching.length; i += batchSize) await this.deliverBatch(consumer, matching.slice(i, i + batchSize), shardId);
  }

  /**
   * Like the event source mapping with bisect on error and partial batch responses: a reported failure is
   * retried from that record (the ones before it are done); a batch whose invocation failed outright is split
   * in two and each half delivered in order; a record that still fails after the retry budget is isolated and
   * only it goes to the on-failure destination, as a pointer (shard and sequence numbers, never the record:
   * the records themselves expire from the stream, which is why the sweeper exists).
   */
  private async deliverBatch(consumer: StreamConsumerDefinition, batch: DynamoDBRecord[], shardId: string): Promise<void> {
    const maxRetries = consumer.retryAttempts ?? 3;
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failedFrom = -1;
      let threw = false;
      try {
        const result = await this.options.invoke(consumer, { Records: pending });
        const failures = new Set((result && result.batchItemFailures ? result.batchItemFailures : []).map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => failures.has(r.dynamodb!.SequenceNumber!));
      } catch (error) {
        const causes = ((error as { recordErrors?: unknown[] }).recordErrors ?? []).map((e) => (e as Error).message ?? String(e));
        this.options.log(`consumer ${consumer.name} failed: ${(error as Error).message}${causes.length ? ` (${[...new Set(causes)].join('; ')})` : ''}`);
        failedFrom = 0;
        threw = true;
      }
      if (failedFrom < 0) return;
      pending = pending.slice(failedFrom);
      if (pending.length > 1 && (threw || attempt >= maxRetries)) {
        // Bisect (or, out of retries, isolate the failing record) so healthy records are not given up with it.
        const half = threw ? Math.ceil(pending.length / 2) : 1;
        await this.deliverBatch(consumer, pending.slice(0, half), shardId);
        await this.deliverBatch(consumer, pending.slice(half), shardId);
        return;
      }
      if (attempt >= maxRetries) {
        this.options.log(`consumer ${consumer.name}: record ${pending[0].dynamodb!.SequenceNumber} failed ${attempt + 1} times; its pointer went to the dead-letter file`);
        this.deadLetter(consumer, pending, shardId, attempt + 1);
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }

  /** What Lambda sends an on-failure destination for a stream batch: where it was, not what it held. */
  private deadLetter(consumer: StreamConsumerDefinition, records: DynamoDBRecord[], shardId: string, invokeCount: number) {
    if (!this.options.deadLetterFile) return;
    const arrival = (r: DynamoDBRecord) => new Date((r.dynamodb!.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
    const pointer = {
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: invokeCount, functionName: consumer.handler },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: records[0].dynamodb!.SequenceNumber,
        endSequenceNumber: records[records.length - 1].dynamodb!.SequenceNumber,
        approximateArrivalOfFirstRecord: arrival(records[0]),
        approximateArrivalOfLastRecord: arrival(records[records.length - 1]),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
    };
    appendFileSync(this.options.deadLetterFile, JSON.stringify(pointer) + '\n');
  }
}
