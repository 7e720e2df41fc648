import type { Caller } from '../people/roles';
import { seesCase } from '../people/roles';
import type { AlertCase } from './alerts';
import { nextDeadline } from './cases';
import type { CaseFilter, CaseStore } from './ports';

/** Whose cases the inbox lists: the signed-in person's own, their scope's (team), or every case (admin). */
export const INBOX_VIEWS = ['mine', 'team', 'all'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

/** The views a caller may choose, the default first: their scope's (or all, for an admin), then "mine" when the key names an address. */
export function inboxViews(caller: Caller): InboxView[] {
  if (caller.role === 'analyst') return [];
  return [caller.role === 'manager' ? 'team' : 'all', ...(caller.email ? (['mine'] as const) : [])];
}

export interface InboxRow {
  readonly kase: AlertCase;
  /** The deadline the case waits on, and whether it has passed. */
  readonly deadline?: { readonly at: string; readonly level: number; readonly overdue: boolean };
}

/** How far back, and how many cases, the inbox reads. */
export const INBOX_DAYS = 90;
export const INBOX_LIMIT = 200;

/**
 * The inbox: the caller's unresolved cases (or, with `status`, that status) of the last 90 days, overdue
 * first, then by the deadline that comes next. Filters narrow by status, severity and touchpoint.
 */
export async function inbox(cases: Pick<CaseStore, 'listCases'>, caller: Caller, view: InboxView, filter: Pick<CaseFilter, 'status' | 'severity' | 'touchpoint'>, now: Date): Promise<{ rows: InboxRow[]; truncated: boolean }> {
  if (!inboxViews(caller).includes(view)) return { rows: [], truncated: false };
  const { items, nextCursor } = await cases.listCases(
    { ...filter, ...(view === 'mine' && { owner: caller.email }) },
    { limit: INBOX_LIMIT, order: 'newest', since: new Date(now.getTime() - INBOX_DAYS * 86_400_000), now, ...(caller.role === 'manager' && view !== 'mine' && { scope: caller.scope }) },
  );
  const rows = items
    .filter((c) => (filter.status ? true : c.status !== 'resolved') && seesCase(caller, c))
    .map((kase): InboxRow => {
      const next = nextDeadline(kase);
      return { kase, ...(next && { deadline: { at: next.at, level: next.level, overdue: next.at <= now.toISOString() } }) };
    })
    .sort((a, b) => Number(b.deadline?.overdue ?? false) - Number(a.deadline?.overdue ?? false) || (a.deadline?.at ?? '~').localeCompare(b.deadline?.at ?? '~'));
  return { rows, truncated: nextCursor !== undefined };
}
