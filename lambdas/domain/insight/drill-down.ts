import type { ResponseStore } from '../surveys/ports';
import type { SurveyResponse } from '../surveys/response';
import { seesResponse, type Caller } from '../people/roles';
import { UNASSIGNED_THEME } from './aggregates';

/** The responses behind a point of a chart: a survey's answers of some days, of one touchpoint or channel. */
export interface DrillDownQuery {
  readonly surveyId: string;
  readonly from: string;
  readonly to: string;
  readonly touchpoint?: string;
  readonly channel?: string;
  /** Responses whose current analysis holds this theme (`unassigned`: analysed, no theme). */
  readonly theme?: string;
}

/** A theme id as the taxonomy writes them (lower case, digits, hyphens): anything else is refused, naming `theme`. */
export const isThemeId = (value: string) => /^[a-z0-9][a-z0-9-]{0,59}$/.test(value);

/** Whether the response's analysis of its current answers holds the theme. */
export function mentionsTheme(response: SurveyResponse, theme: string): boolean {
  const a = response.analysis;
  if (!a || a.revision !== response.revision) return false;
  return theme === UNASSIGNED_THEME ? a.themes.length === 0 : a.themes.includes(theme);
}

/** How many responses a drill-down reads at most, and how many it shows. */
export const DRILL_DOWN_READ = 1000;
export const DRILL_DOWN_SHOWN = 100;

/**
 * The responses behind a figure (or mentioning a theme), newest first (at most 100 shown, all counted), as the caller may see them:
 * a manager only within their scope, an analyst none (reports only). Reads the survey's responses of those
 * days by index, at most 1,000; `truncated` says the days held more.
 */
export async function drillDown(responses: Pick<ResponseStore, 'listResponsesSubmitted'>, caller: Caller, query: DrillDownQuery): Promise<{ items: SurveyResponse[]; matched: number; truncated: boolean }> {
  if (caller.role === 'analyst') return { items: [], matched: 0, truncated: false };
  const matching: SurveyResponse[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await responses.listResponsesSubmitted(query.surveyId, { from: query.from, to: query.to }, { limit: 200, ...(cursor && { cursor }) });
    read += page.items.length;
    for (const r of page.items) {
      if ((!query.touchpoint || r.touchpoint === query.touchpoint) && (!query.channel || r.channel === query.channel) && (!query.theme || mentionsTheme(r, query.theme)) && seesResponse(caller, r)) matching.push(r);
    }
    cursor = page.nextCursor;
  } while (cursor && read < DRILL_DOWN_READ);
  return { items: matching.reverse().slice(0, DRILL_DOWN_SHOWN), matched: matching.length, truncated: cursor !== undefined };
}
