const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  return format;
}

/**
 * A stored UTC time as people read it, in the survey's zone and naming it: "Tue 1 Dec 2026, 10:05
 * Europe/Berlin". An unknown zone (a setting changed since) falls back to UTC rather than failing a page.
 */
export function localTime(iso: string | undefined, timeZone = 'UTC'): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    return `${formatIn(timeZone).format(at)} ${timeZone}`;
  } catch {
    return `${formatIn('UTC').format(at)} UTC`;
  }
}

/** "12 min", "3 h 20 min", "2 days": a span of time, rounded to the minute. */
export function duration(ms: number): string {
  const span = Math.abs(Math.round(ms / 60_000));
  return span >= 2880 ? `${Math.round(span / 1440)} days` : span >= 60 ? `${Math.floor(span / 60)} h ${span % 60} min` : `${span} min`;
}

/** "in 3 h 20 min" or "5 h 10 min ago": how far a deadline is from now. */
export function relativeTo(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const text = duration(ms);
  return Math.round(ms / 60_000) >= 0 ? `in ${text}` : `${text} ago`;
}
