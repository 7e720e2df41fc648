import { casePage } from '../domain/case-page';
import { DomainError } from '../domain/errors';
import { isWellFormedId } from '../domain/submissions';
import { verifyCaseLinkToken } from '../domain/tokens';
import { secretValue } from '../shared/config';
import { feedbackStore } from '../shared/dependencies';
import { html, httpHandler, pathParam } from '../shared/http';

const notThisCase = () => new DomainError(404, 'not_found', 'this case does not exist', [{ field: 'token', message: 'no such case for this owner' }]);

/** `GET /c/{token}`: the case page for its owner, from the signed, expiring link in the alert e-mail. */
export const handler = httpHandler(async (event) => {
  const claims = verifyCaseLinkToken(await secretValue('TOKEN_SECRET'), pathParam(event, 'token'), new Date());
  if (!isWellFormedId(claims.caseId)) throw notThisCase();
  const store = feedbackStore();
  const alert = await store.getAlert(claims.caseId);
  // A link made out to someone else (the case was reassigned) no longer opens it.
  if (!alert || !claims.ownerMatches(alert.owner)) throw notThisCase();
  const [response, survey] = await Promise.all([store.getResponse(alert.responseId), store.getSurvey(alert.surveyId)]);
  return html(200, casePage(alert, response, survey));
});
