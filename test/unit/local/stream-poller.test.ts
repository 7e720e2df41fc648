import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamConsumerDefinition } from '../../../lambdas/pipeline';
import { StreamPoller } from '../../../local/stream-poller';
import type { StreamReader } from '../../../local/stream-reader';

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/cx-feedback/stream/2026-11-24T20:00:00.000';

const record = (seq: string, pk: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): DynamoDBRecord => ({
  eventID: `e${seq}`,
  eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  eventSourceARN: STREAM_ARN,
  dynamodb: {
    ApproximateCreationDateTime: Date.parse('2026-11-24T20:01:00Z') / 1000,
    Keys: { pk: { S: pk }, sk: { S: 'META' } },
    NewImage: { pk: { S: pk }, sk: { S: 'META' } },
    SequenceNumber: seq,
    SizeBytes: 40,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const consumer = (retryAttempts: number): StreamConsumerDefinition => ({
  name: 'test',
  handler: 'processResponses',
  retryAttempts,
  filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { pk: { S: [{ prefix: 'RESPONSE#' }] } } } }],
});

/** One shard: a page of five records, then nothing new. */
const reader = () => {
  const iterators: [string, string | undefined][] = [];
  const stream: StreamReader & { iterators: typeof iterators } = {
    streamArn: STREAM_ARN,
    iterators,
    shardIds: async () => ['shard-1'],
    iterator: async (shardId, after) => {
      iterators.push([shardId, after]);
      return 'it-0';
    },
    read: async (iterator) =>
      iterator === 'it-0'
        ? { records: [record('100', 'RESPONSE#a'), record('101', 'SURVEY#x'), record('102', 'RESPONSE#b'), record('103', 'RESPONSE#c'), record('104', 'RESPONSE#d', 'REMOVE')], next: 'it-1' }
        : { records: [], next: 'it-1' },
  };
  return stream;
};

async function runOnce(poller: StreamPoller) {
  poller.start();
  await poller.waitForIdle();
  await poller.stop();
}

describe('StreamPoller', () => {
  it('delivers only filtered records, in Lambda shape, and retries from the first reported failure', async () => {
    const seen: string[][] = [];
    let failedOnce = false;
    const dir = mkdtempSync(join(tmpdir(), 'poller-'));
    const stream = reader();
    const poller = new StreamPoller({
      reader: stream,
      consumer: consumer(3),
      checkpointFile: join(dir, 'checkpoints.json'),
      log: () => undefined,
      idleDelayMs: 5,
      invoke: async (_c, event: DynamoDBStreamEvent) => {
        seen.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!));
        if (!failedOnce) {
          failedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: '102' }] };
        }
        return { batchItemFailures: [] };
      },
    });
    await runOnce(poller);
    // SURVEY# and REMOVE are filtered out; the retry starts at 102 and does not repeat 100.
    expect(seen).toEqual([
      ['100', '102', '103'],
      ['102', '103'],
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8'))).toEqual({ 'shard-1': '104' });
  });

  it('bisects a failing batch: only the poison record is given up, as a pointer, and the healthy ones around it are handled in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'poller-'));
    const handled: string[] = [];
    const stream = reader();
    const poller = new StreamPoller({
      reader: stream,
      consumer: consumer(2),
      deadLetterFile: join(dir, 'dead.jsonl'),
      log: () => undefined,
      idleDelayMs: 5,
      invoke: async (_c, event: DynamoDBStreamEvent) => {
        if (event.Records.some((r) => r.dynamodb!.SequenceNumber === '102')) throw new Error('poison');
        handled.push(...event.Records.map((r) => r.dynamodb!.SequenceNumber!));
      },
    });
    await runOnce(poller);
    expect(handled).toEqual(['100', '103']);
    const dead = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 }, DDBStreamBatchInfo: { shardId: 'shard-1', startSequenceNumber: '102', endSequenceNumber: '102', batchSize: 1, streamArn: STREAM_ARN } });
    expect(JSON.stringify(dead[0])).not.toContain('RESPONSE#');
  });

  it('sends pointers to records that keep failing to the dead-letter file after the retry budget, then moves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'poller-'));
    let calls = 0;
    const stream = reader();
    const poller = new StreamPoller({
      reader: stream,
      consumer: consumer(1),
      deadLetterFile: join(dir, 'dead.jsonl'),
      log: () => undefined,
      idleDelayMs: 5,
      invoke: async () => {
        calls++;
        throw new Error('always fails');
      },
    });
    await runOnce(poller);
    // [100,102,103] fails → halves [100,102] and [103]; [100,102] fails → [100] and [102]; each single record
    // gets the first attempt + one retry.
    expect(calls).toBe(2 + 2 * 3);
    const dead = readFileSync(join(dir, 'dead.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead.map((d) => d.DDBStreamBatchInfo.startSequenceNumber)).toEqual(['100', '102', '103']);
    expect(dead[0].requestContext.functionName).toBe('processResponses');
  });

  it('resumes after the checkpoint on restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'poller-'));
    const file = join(dir, 'checkpoints.json');
    writeFileSync(file, JSON.stringify({ 'shard-1': '104' }));
    const stream = reader();
    const poller = new StreamPoller({
      reader: stream,
      consumer: consumer(1),
      checkpointFile: file,
      log: () => undefined,
      idleDelayMs: 5,
      invoke: async () => undefined,
    });
    await runOnce(poller);
    expect(stream.iterators).toEqual([['shard-1', '104']]);
  });
});
