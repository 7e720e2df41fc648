import { DomainError } from '../domain/kernel/errors';
import { isWellFormedId } from '../domain/kernel/ids';
import { verifyCaseLinkToken } from '../domain/kernel/tokens';
import { publicUrl } from '../shared/config';
import { secretValue } from '../shared/secrets';
import { caseStore } from '../shared/dependencies';
import { httpHandler, pathParam } from '../shared/http';
import { servePage } from '../shared/case-pages';

const notThisCase = () => new DomainError(404, 'not_found', 'this case does not exist', [{ field: 'token', message: 'no such case for this owner' }]);

/**
 * `GET /c/{token}`: the case page for its owner, from the signed, expiring link in the alert e-mail.
 * `POST /c/{token}`: the page's forms (acknowledge, note, resolve), recorded as the link owner's actions.
 */
export const handler = httpHandler(async (event) => {
  const token = pathParam(event, 'token');
  const claims = verifyCaseLinkToken(await secretValue('TOKEN_SECRET'), token, new Date());
  if (!isWellFormedId(claims.caseId)) throw notThisCase();
  const alert = await caseStore().getAlert(claims.caseId);
  // A link made out to someone else (the case was reassigned) no longer opens it.
  if (!alert || !claims.ownerMatches(alert.owner)) throw notThisCase();
  return servePage(event, alert, { actor: 'owner', by: `owner:${alert.owner}`, selfUrl: `${publicUrl()}/c/${token}` });
});
