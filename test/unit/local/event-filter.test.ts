import { streamConsumers } from '../../../lambdas/pipeline';
import { matchesAnyFilter, matchesFilter } from '../../../local/event-filter';

const record = (eventName: string, pk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: pk }, sk: { S: 'META' } } } });

describe('event filters', () => {
  it('pass response inserts and modifications to both consumers, and nothing else', () => {
    for (const consumer of streamConsumers) {
      expect(matchesAnyFilter(record('INSERT', 'RESPONSE#r1'), consumer.filters)).toBe(true);
      expect(matchesAnyFilter(record('MODIFY', 'RESPONSE#r1'), consumer.filters)).toBe(true);
      expect(matchesAnyFilter(record('REMOVE', 'RESPONSE#r1'), consumer.filters)).toBe(false);
      expect(matchesAnyFilter(record('INSERT', 'ALERT#r1'), consumer.filters)).toBe(false);
      expect(matchesAnyFilter(record('INSERT', 'SURVEY#s1'), consumer.filters)).toBe(false);
    }
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
