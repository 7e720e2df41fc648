import { casePage } from '../views/case-page';
import { DomainError } from '../domain/kernel/errors';
import { isWellFormedId } from '../domain/kernel/ids';
import { verifyCaseLinkToken } from '../domain/kernel/tokens';
import { secretValue } from '../shared/secrets';
import { caseStore, responseStore, surveyStore } from '../shared/dependencies';
import { html, httpHandler, parseBody, pathParam, zodDetails } from '../shared/http';
import { refuseCrossSite } from '../shared/same-origin';
import { actOnCase } from '../domain/loop/cases';
import { CaseActionSchema } from '../domain/loop/case-requests';
import { validationError } from '../domain/kernel/errors';

const notThisCase = () => new DomainError(404, 'not_found', 'this case does not exist', [{ field: 'token', message: 'no such case for this owner' }]);

const NOTICES: Record<string, string> = {
  acknowledge: 'Acknowledged: the case is yours.',
  note: 'Your note was added.',
  resolve: 'The case is resolved. Thank you for closing the loop.',
};

/**
 * `GET /c/{token}`: the case page for its owner, from the signed, expiring link in the alert e-mail.
 * `POST /c/{token}`: the page's forms (acknowledge, note, resolve), recorded as the owner's actions.
 */
export const handler = httpHandler(async (event) => {
  const now = new Date();
  const claims = verifyCaseLinkToken(await secretValue('TOKEN_SECRET'), pathParam(event, 'token'), now);
  if (!isWellFormedId(claims.caseId)) throw notThisCase();
  const cases = caseStore();
  let alert = await cases.getAlert(claims.caseId);
  // A link made out to someone else (the case was reassigned) no longer opens it.
  if (!alert || !claims.ownerMatches(alert.owner)) throw notThisCase();
  let notice = '';
  if (event.requestContext.http.method === 'POST') {
    refuseCrossSite(event);
    const fields = Object.fromEntries(Object.entries(parseBody(event)).filter(([, v]) => v !== ''));
    const parsed = CaseActionSchema.safeParse(fields);
    if (!parsed.success || !(parsed.data.action in NOTICES)) {
      throw validationError('this action is not valid', parsed.success ? [{ field: 'action', message: 'not available here' }] : zodDetails(parsed.error.issues));
    }
    alert = await actOnCase({ cases, now }, alert.id, parsed.data, `owner:${alert.owner}`);
    notice = NOTICES[parsed.data.action];
  }
  const [response, survey] = await Promise.all([responseStore().getResponse(alert.responseId), surveyStore().getSurvey(alert.surveyId)]);
  return html(200, casePage(alert, response, survey, notice));
});
