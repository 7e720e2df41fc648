import { DomainError, validationError } from '../kernel/errors';
import type { AlertRule } from '../surveys/alert-rules';
import type { SurveyStore } from '../surveys/ports';
import { isArchived } from '../surveys/survey';
import type { Destination, DestinationRequest } from './destinations';
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

/** The surveys (not archived) whose enabled alert rules route cases to a destination. */
export async function surveysRoutingTo(surveys: Pick<SurveyStore, 'listSurveys'>, destinationId: string): Promise<string[]> {
  const routing: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await surveys.listSurveys({ limit: 100, ...(cursor && { cursor }) }, (s) => !isArchived(s));
    for (const survey of page.items) if (survey.alertRules?.rules.some((r) => r.enabled && r.routeTo?.destination === destinationId)) routing.push(survey.id);
    cursor = page.nextCursor;
  } while (cursor);
  return routing;
}

const stillRouted = (surveyIds: readonly string[], field: string, what: string) =>
  new DomainError(409, 'destination_in_use', `alert rules route cases to this destination; ${what}`, [
    { field, message: `routed to by the rules of survey ${surveyIds.slice(0, 10).join(', ')}${surveyIds.length > 10 ? ' …' : ''}: change those rules first` },
  ]);

/**
 * A destination alert rules route to keeps taking their cases: it may not be deleted, disabled, or stop
 * taking case.opened while they do (409 naming the surveys), so no rule is left routing to nobody.
 */
export async function checkStillReachable(surveys: Pick<SurveyStore, 'listSurveys'>, current: Destination, change: DestinationRequest | 'delete'): Promise<void> {
  const losesCases = change === 'delete' || !change.enabled || !(change.events as readonly string[]).includes('case.opened');
  if (!losesCases) return;
  const routing = await surveysRoutingTo(surveys, current.id);
  if (routing.length === 0) return;
  if (change === 'delete') throw stillRouted(routing, 'destinationId', 'it cannot be deleted');
  throw stillRouted(routing, change.enabled ? 'events' : 'enabled', change.enabled ? 'it must keep case.opened' : 'it cannot be disabled');
}
