import type { DynamoDBRecord } from 'aws-lambda';
import { RECORDS_AT_ONCE, streamHandler } from '../../../lambdas/shared/stream';
import { context, streamEvent } from '../support/events';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keyOf = (record: DynamoDBRecord) => `${record.dynamodb!.Keys!.pk.S}/${record.dynamodb!.Keys!.sk.S}`;
const event = (...keys: [pk: string, sk: string][]) => streamEvent(keys.map(([pk, sk], i) => ({ seq: String(100 + i), newItem: { pk, sk } })));

describe('streamHandler', () => {
  it('keeps the records of one partition in order (a destination\u2019s deliveries) and lets other partitions go ahead', async () => {
    const finished: string[] = [];
    const handler = streamHandler(async (record) => {
      const key = keyOf(record);
      // The first delivery is slow: the second one to the same destination still waits for it.
      await pause(key === 'DELIVERY#d1/e1' ? 40 : 1);
      finished.push(key);
    });
    const result = await handler(event(['DELIVERY#d1', 'e1'], ['RESPONSE#r1', 'META'], ['DELIVERY#d1', 'e2'], ['ALERT#c1', 'META']), context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(finished.indexOf('DELIVERY#d1/e1')).toBeLessThan(finished.indexOf('DELIVERY#d1/e2'));
    expect(finished.slice(0, 2).sort()).toEqual(['ALERT#c1/META', 'RESPONSE#r1/META']);
  });

  it('after a failure, reports the partition\u2019s later records without trying them; other partitions are handled', async () => {
    const tried: string[] = [];
    const handler = streamHandler(async (record) => {
      tried.push(keyOf(record));
      if (keyOf(record) === 'DELIVERY#d1/e1') throw new Error('refused');
    });
    const result = await handler(event(['DELIVERY#d1', 'e1'], ['RESPONSE#r1', 'META'], ['DELIVERY#d1', 'e2']), context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }, { itemIdentifier: '102' }] });
    expect(tried.sort()).toEqual(['DELIVERY#d1/e1', 'RESPONSE#r1/META']);
  });

  it(`handles at most ${RECORDS_AT_ONCE} records at a time`, async () => {
    let running = 0;
    let most = 0;
    const handler = streamHandler(async () => {
      most = Math.max(most, ++running);
      await pause(2);
      running--;
    });
    const keys = Array.from({ length: 25 }, (_, i): [string, string] => [`RESPONSE#r${i}`, 'META']);
    expect(await handler(event(...keys), context)).toEqual({ batchItemFailures: [] });
    expect(most).toBe(RECORDS_AT_ONCE);
  });
});
