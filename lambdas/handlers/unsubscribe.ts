import { escapeHtml, page } from '../views/html';
import { verifyUnsubscribeToken } from '../domain/outreach/suppression';
import { secretValue } from '../shared/secrets';
import { suppressionStore } from '../shared/dependencies';
import { html, httpHandler, isForm, pathParam, rawBody } from '../shared/http';

const button = (action: string, label: string) =>
  `<form method="post"><input type="hidden" name="action" value="${escapeHtml(action)}"><button type="submit">${escapeHtml(label)}</button></form>`;

/**
 * `GET /u/{token}` shows the choice (a bare GET never unsubscribes: mail scanners fetch every link);
 * `POST /u/{token}` unsubscribes, also as RFC 8058 one-click (`List-Unsubscribe=One-Click` from the mail
 * client), or subscribes again with `action=resubscribe`. It suppresses the person on every channel.
 */
export const handler = httpHandler(async (event) => {
  const keys = verifyUnsubscribeToken(await secretValue('TOKEN_SECRET'), pathParam(event, 'token'));
  const store = suppressionStore();
  if (event.requestContext.http.method === 'POST') {
    const body = rawBody(event);
    const action = isForm(event) ? new URLSearchParams(body).get('action') : undefined;
    if (action === 'resubscribe') {
      for (const key of keys) await store.deleteSuppression(key);
      return html(200, page('Subscribed again', `<h1>You will hear from us again</h1><p>You can unsubscribe from any survey e-mail.</p>${button('unsubscribe', 'Unsubscribe after all')}`));
    }
    const since = new Date().toISOString();
    for (const key of keys) await store.putSuppression(key, since, 'email-link');
    return html(200, page('Unsubscribed', `<h1>You are unsubscribed</h1><p>We will not send you feedback surveys again, by e-mail or text.</p>${button('resubscribe', 'Subscribe again')}`));
  }
  const suppressed = (await Promise.all(keys.map((k) => store.getSuppression(k)))).some(Boolean);
  return html(
    200,
    suppressed
      ? page('Unsubscribed', `<h1>You are unsubscribed</h1><p>We do not send you feedback surveys.</p>${button('resubscribe', 'Subscribe again')}`)
      : page('Unsubscribe', `<h1>Stop feedback surveys?</h1><p>We will not send you surveys again, by e-mail or text.</p>${button('unsubscribe', 'Unsubscribe')}`),
  );
});
