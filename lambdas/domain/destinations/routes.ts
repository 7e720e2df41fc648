import { validationError } from '../kernel/errors';
import type { AlertRule } from '../surveys/alert-rules';
import type { DestinationStore } from './ports';

/**
 * The destinations alert rules route cases to must exist, be enabled and take `case.opened`: a rule saved
 * with a route that reaches nobody would fail quietly, so it is refused (400 naming the rule's field).
 */
export async function checkRuleDestinations(rules: readonly Pick<AlertRule, 'routeTo'>[], store: Pick<DestinationStore, 'getDestination'>): Promise<void> {
  const problems: { field: string; message: string }[] = [];
  for (const [index, rule] of rules.entries()) {
    const id = rule.routeTo?.destination;
    if (!id) continue;
    const destination = await store.getDestination(id);
    const field = `rules.${index}.routeTo.destination`;
    if (!destination) problems.push({ field, message: 'no such destination' });
    else if (!destination.enabled || destination.disabledReason) problems.push({ field, message: `the destination is disabled${destination.disabledReason ? ` (${destination.disabledReason})` : ''}` });
    else if (!(destination.events as readonly string[]).includes('case.opened')) problems.push({ field, message: 'the destination does not take case.opened; subscribe it first' });
  }
  if (problems.length > 0) throw validationError('a rule routes cases to a destination that would not get them', problems);
}
