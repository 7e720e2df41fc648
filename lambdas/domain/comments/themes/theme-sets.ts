import { DomainError } from '../../kernel/errors';
import type { ThemeSetStore } from '../ports';
import type { ThemeSet, ThemeSetRequest } from './taxonomy';

const stale = (expected: number, actual: number) =>
  new DomainError(409, 'version_conflict', `the themes changed meanwhile (now version ${actual}); read them again and resend`, [
    { field: 'If-Match', message: `expected version ${expected}, found ${actual}` },
  ]);

/**
 * Replaces a survey's theme set with a new version (DELETE stores an empty `extend` set: the default taxonomy
 * again). `expectedVersion` is the version the caller read (If-Match), required once the survey has a set, so
 * two editors never overwrite each other. Comments already analysed keep their themes until
 * `cx comments reanalyze` reads them under the new version.
 */
export async function setThemeSet(
  store: ThemeSetStore,
  surveyId: string,
  currentVersion: number,
  request: ThemeSetRequest,
  expectedVersion: number | undefined,
  by: string,
  now: Date,
): Promise<ThemeSet> {
  if (expectedVersion === undefined && currentVersion > 0) {
    throw new DomainError(428, 'precondition_required', 'send If-Match with the version of the themes you read', [{ field: 'If-Match', message: `the themes are at version ${currentVersion}` }]);
  }
  const expected = expectedVersion ?? 0;
  if (expected !== currentVersion) throw stale(expected, currentVersion);
  const set: ThemeSet = { surveyId, version: currentVersion + 1, ...request, updatedAt: now.toISOString(), updatedBy: by };
  if (!(await store.saveThemeSet(set, expected))) throw stale(expected, currentVersion + 1);
  return set;
}
