import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumerDefinition } from '../lambdas/pipeline';
import { matchesAnyFilter } from './event-filter';
import { ExpiredIteratorError, type StreamReader } from './stream-reader';

export type ConsumerInvoker = (consumer: StreamConsumerDefinition, event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  readonly reader: StreamReader;
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
/** How long the list of shards is taken as known: new shards appear when one closes, or every few hours. */
const SHARDS_KNOWN_FOR_MS = 1000;

/**
 * Reads the table's stream shard by shard and invokes its consumer like an event source mapping does:
 * filtered, batched, with partial batch failures retried from the first failed record, bounded retries,
 * and a dead-letter file for records that never succeed. A shard's checkpoint advances only after the
 * consumer has handled its records.
 */
export class StreamPoller {
  private readonly iterators = new Map<string, string>();
  private readonly closedShards = new Set<string>();
  private shards?: { ids: string[]; at: number };
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
    if (!this.shards || Date.now() - this.shards.at > SHARDS_KNOWN_FOR_MS) this.shards = { ids: await this.options.reader.shardIds(), at: Date.now() };
    return this.shards.ids.filter((id) => !this.closedShards.has(id));
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    return this.iterators.get(shardId) ?? this.options.reader.iterator(shardId, this.checkpoints[shardId]);
  }

  /** One pass over all shards: how many records were delivered, and whether a shard had more than a page. */
  private async pass(): Promise<{ delivered: number; backlog: boolean }> {
    let delivered = 0;
    let backlog = false;
    for (const shardId of await this.shardIds()) {
      const iterator = await this.iterator(shardId);
      if (!iterator) continue;
      let page;
      try {
        page = await this.options.reader.read(iterator, RECORDS_PER_READ);
      } catch (error) {
        if (error instanceof ExpiredIteratorError) {
          this.iterators.delete(shardId);
          continue;
        }
        throw error;
      }
      const { records } = page;
      if (records.length === RECORDS_PER_READ) backlog = true;
      if (records.length) {
        await this.deliver(this.options.consumer, records, shardId);
        this.checkpoint(shardId, records[records.length - 1].dynamodb!.SequenceNumber!);
        delivered += records.length;
        this.delivered += records.length;
      }
      if (page.next) this.iterators.set(shardId, page.next);
      else {
        // Closed: its children (if any) are listed on the next look.
        this.iterators.delete(shardId);
        this.closedShards.add(shardId);
        this.shards = undefined;
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
        streamArn: this.options.reader.streamArn,
      },
    };
    appendFileSync(this.options.deadLetterFile, JSON.stringify(pointer) + '\n');
  }
}
