import { streamConsumers } from '../../../lambdas/pipeline';
import { matchesAnyFilter, matchesFilter } from '../../../local/event-filter';

const record = (eventName: string, pk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: pk }, sk: { S: 'META' } } } });

describe('event filters', () => {
  it('pass pending response inserts and modifications to both consumers, and nothing else', () => {
    const pending = (name: string) => ({ ...record(name, 'RESPONSE#r1'), dynamodb: { ...record(name, 'RESPONSE#r1').dynamodb, NewImage: { gsi2pk: { S: 'PENDING#3' } } } });
    for (const consumer of streamConsumers) {
      expect(matchesAnyFilter(pending('INSERT'), consumer.filters)).toBe(true);
      expect(matchesAnyFilter(pending('MODIFY'), consumer.filters)).toBe(true);
      expect(matchesAnyFilter(record('REMOVE', 'RESPONSE#r1'), consumer.filters)).toBe(false);
      expect(matchesAnyFilter(record('INSERT', 'ALERT#r1'), consumer.filters)).toBe(false);
      expect(matchesAnyFilter(record('INSERT', 'SURVEY#s1'), consumer.filters)).toBe(false);
    }
  });

  it('keep settled responses (scored at ingest, or completed) from the processing consumer, not from the aggregates', () => {
    const settled = record('INSERT', 'RESPONSE#r1');
    expect(matchesAnyFilter(settled, streamConsumers.find((c) => c.handler === 'processResponses')!.filters)).toBe(false);
    expect(matchesAnyFilter(settled, streamConsumers.find((c) => c.handler === 'aggregateResponses')!.filters)).toBe(true);
  });

  it('support literals, prefix and exists', () => {
    expect(matchesFilter({ a: 1 }, { a: [1, 2] })).toBe(true);
    expect(matchesFilter({ a: 3 }, { a: [1, 2] })).toBe(false);
    expect(matchesFilter({ a: 'abc' }, { a: [{ prefix: 'ab' }] })).toBe(true);
    expect(matchesFilter({ a: 1 }, { b: [{ exists: false }] })).toBe(true);
    expect(matchesFilter({ a: 1 }, { a: [{ exists: false }] })).toBe(false);
    expect(matchesFilter({ a: { b: 'x' } }, { a: { b: ['x'] } })).toBe(true);
    expect(matchesFilter({}, { a: { b: ['x'] } })).toBe(false);
    expect(matchesAnyFilter({ anything: true }, [])).toBe(true);
  });
});
