import { caseFile } from '../domain/loop/case-file';
import { CaseActionSchema, type CaseAction } from '../domain/loop/case-requests';
import { actOnCase } from '../domain/loop/cases';
import type { AlertCase } from '../domain/loop/alerts';
import { DomainError, validationError } from '../domain/kernel/errors';
import { casePage, type CaseActor } from '../views/case-page';
import { caseStore, customerStore, responseStore, surveyStore } from './dependencies';
import { html, parseBody, seeOther, zodDetails, type HttpEvent, type HttpResult } from './http';
import { refuseCrossSite } from './same-origin';

const NOTICES: Record<CaseAction['action'], string> = {
  acknowledge: 'Acknowledged: the case is yours.',
  note: 'Your note was added.',
  resolve: 'The case is resolved. Thank you for closing the loop.',
  assign: 'The case is reassigned; the new owner can open it from the dashboard.',
  escalate: 'The case is escalated; the notice goes out within five minutes.',
  reopen: 'The case is open again.',
};

/** What each door may do: the owner's link acknowledges, notes and resolves; a manager's session also reassigns and escalates. */
const ACTIONS: Record<CaseActor, readonly CaseAction['action'][]> = {
  owner: ['acknowledge', 'note', 'resolve'],
  manager: ['acknowledge', 'note', 'resolve', 'assign', 'escalate'],
};

export interface CasePageDoor {
  readonly actor: CaseActor;
  /** Who the history records as acting: `owner:<address>` or `dashboard:<key name>`. */
  readonly by: string;
  /** This page's own address, where a POST redirects to. */
  readonly selfUrl: string;
  /** Which of the customer's earlier responses the reader may see. */
  readonly sees?: (item: { surveyId: string; touchpoint?: string }) => boolean;
  readonly back?: { readonly href: string; readonly label: string };
}

/**
 * The case page and its forms, for both doors (the owner's signed link, the dashboard session). A POST acts
 * and answers 303 back to the page (POST → redirect → GET), so a refresh never posts again; an action the
 * case no longer allows (another tab, another person) redirects with a problem in words, not a 409.
 */
export async function servePage(event: HttpEvent, alert: AlertCase, door: CasePageDoor): Promise<HttpResult> {
  const now = new Date();
  const cases = caseStore();
  if (event.requestContext.http.method === 'POST') {
    refuseCrossSite(event);
    const fields = Object.fromEntries(Object.entries(parseBody(event)).filter(([, v]) => v !== ''));
    const parsed = CaseActionSchema.safeParse(fields);
    if (!parsed.success || !ACTIONS[door.actor].includes(parsed.data.action)) {
      throw validationError('this action is not valid', parsed.success ? [{ field: 'action', message: 'not available here' }] : zodDetails(parsed.error.issues));
    }
    try {
      await actOnCase({ cases, now }, alert.id, parsed.data, door.by);
    } catch (error) {
      if (error instanceof DomainError && error.status === 409) return seeOther(`${door.selfUrl}?problem=changed`);
      throw error;
    }
    return seeOther(`${door.selfUrl}?done=${parsed.data.action}`);
  }
  const query = event.queryStringParameters ?? {};
  const done = query.done as CaseAction['action'] | undefined;
  const file = await caseFile({ cases, responses: responseStore(), surveys: surveyStore(), customers: customerStore() }, alert, door.sees);
  return html(
    200,
    casePage(file, {
      now,
      actor: door.actor,
      ...(done && Object.hasOwn(NOTICES, done) && { notice: NOTICES[done] }),
      ...(query.problem === 'changed' && { problem: `Nothing was done: the case changed meanwhile (it is now ${alert.status}). Here it is as it stands.` }),
      ...(door.back && { back: door.back }),
    }),
  );
}
