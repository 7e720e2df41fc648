import { openCase, type AlertCase } from '../../../lambdas/domain/loop/alerts';
import { NOW, response, survey } from './fixtures';

/** A detractor's case with a comment, opened at NOW by the default survey. */
export function alertCase(comment = 'Parcel arrived late and broken', overrides: Partial<AlertCase> = {}): AlertCase {
  const opened = openCase(survey({ timeZone: 'Europe/Berlin' }), response({ nps: 2, csat: 1, comment }), NOW)!;
  return { ...opened, ...overrides };
}
