import type { FilterPattern, FilterValue } from '../lambdas/pipeline';

/**
 * Lambda event filtering, the subset the pipeline uses: lists of literals, `prefix` and `exists`.
 * Applied by the local stream poller so consumers see exactly what their event source mapping passes in AWS.
 */
export function matchesFilter(event: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(rule)) return (rule as readonly FilterValue[]).some((allowed) => matchesValue(value, allowed));
    return value !== undefined && matchesFilter(value, rule as FilterPattern);
  });
}

export const matchesAnyFilter = (event: unknown, patterns: readonly FilterPattern[]) =>
  patterns.length === 0 || patterns.some((p) => matchesFilter(event, p));

function matchesValue(value: unknown, allowed: FilterValue): boolean {
  if (allowed !== null && typeof allowed === 'object') {
    if ('exists' in allowed) return (value !== undefined) === allowed.exists;
    if ('prefix' in allowed) return typeof value === 'string' && value.startsWith(allowed.prefix);
    return false;
  }
  return value === allowed;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
