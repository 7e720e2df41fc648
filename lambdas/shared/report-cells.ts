import type { Granularity } from '../domain/insight/aggregates';
import { periodsBetween, type Cell, type Range } from '../domain/insight/reports';
import { countsTouchpoint, type Caller } from '../domain/people/roles';
import { aggregateStore } from './dependencies';

/**
 * The aggregate cells of a survey at one granularity, over every period the range touches: those the caller
 * may count, narrowed to a touchpoint and channel when given. The reports API and the dashboard read these.
 */
export async function reportCells(caller: Caller, surveyId: string, granularity: Granularity, range: Range, narrow: { touchpoint?: string; channel?: string } = {}): Promise<Cell[]> {
  const periods = periodsBetween(granularity, range);
  const stored = await aggregateStore().query(surveyId, granularity, periods[0], periods[periods.length - 1]);
  return stored.filter(
    (cell) => countsTouchpoint(caller, cell.touchpoint) && (!narrow.touchpoint || cell.touchpoint === narrow.touchpoint) && (!narrow.channel || cell.channel === narrow.channel),
  );
}
