import type { Granularity } from '../domain/insight/aggregates';
import { coveringPeriods, periodsBetween, rollUp, wholePeriods, type Cell, type Range } from '../domain/insight/reports';
import { countsTouchpoint, type Caller } from '../domain/people/roles';
import { aggregateStore } from './dependencies';

/**
 * The aggregate cells of a survey at one granularity, over every period the range touches: those the caller
 * may count, narrowed to a touchpoint and channel when given. The reports API and the dashboard read these.
 */
export async function reportCells(caller: Caller, surveyId: string, granularity: Granularity, range: Range, narrow: { touchpoint?: string; channel?: string } = {}): Promise<Cell[]> {
  // Weeks are not stored: the days of every week the range touches, summed.
  if (granularity === 'W') return rollUp(await reportCells(caller, surveyId, 'D', wholePeriods('W', range), narrow), 'W');
  const periods = periodsBetween(granularity, range);
  const stored = await aggregateStore().query(surveyId, granularity, periods[0], periods[periods.length - 1]);
  return stored.filter(
    (cell) => countsTouchpoint(caller, cell.touchpoint) && (!narrow.touchpoint || cell.touchpoint === narrow.touchpoint) && (!narrow.channel || cell.channel === narrow.channel),
  );
}

/**
 * The cells that cover a range exactly, as few as possible: month cells for its whole months, day cells for
 * the rest (for totals, funnels and groupings by touchpoint, channel or month). A year reads about 12 month
 * cells and up to 61 day cells per touchpoint and channel, however many answers they hold.
 */
export async function rangeCells(caller: Caller, surveyId: string, range: Range, narrow: { touchpoint?: string; channel?: string } = {}): Promise<Cell[]> {
  const { months, days } = coveringPeriods(range);
  const parts = await Promise.all([...(months ? [reportCells(caller, surveyId, 'M', months, narrow)] : []), ...days.map((d) => reportCells(caller, surveyId, 'D', d, narrow))]);
  return parts.flat();
}
