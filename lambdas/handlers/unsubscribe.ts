import { escapeHtml, page } from '../views/html';
import { verifyUnsubscribeToken, type UnsubscribeShown } from '../domain/outreach/suppression';
import { secretValue } from '../shared/secrets';
import { suppressionStore } from '../shared/dependencies';
import { html, httpHandler, isForm, pathParam, rawBody } from '../shared/http';
import { refuseCrossSite } from '../shared/same-origin';

const button = (action: string, label: string, secondary = false) =>
  `<form method="post"><input type="hidden" name="action" value="${escapeHtml(action)}"><button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button></form>`;

/** "j•••e@example.com (from surveys@shop.example)", as far as the link names them. */
function whoAndFrom(shown: UnsubscribeShown): string {
  const address = shown.address ? `<strong>${escapeHtml(shown.address)}</strong>` : 'this address';
  return shown.sender ? `${address} (sent by ${escapeHtml(shown.sender)})` : address;
}

/**
 * `GET /u/{token}` shows the choice (a bare GET never unsubscribes: mail scanners fetch every link);
 * `POST /u/{token}` unsubscribes, also as RFC 8058 one-click (`List-Unsubscribe=One-Click` from the mail
 * client), or subscribes again with `action=resubscribe`. It suppresses the person on every channel. The
 * page names the (masked) address and the sender the link was made for.
 */
export const handler = httpHandler(async (event) => {
  const { keys, ...shown } = verifyUnsubscribeToken(await secretValue('TOKEN_SECRET'), pathParam(event, 'token'));
  const store = suppressionStore();
  const unsubscribed = (lead: string) =>
    page('Unsubscribed', `<h1>You are unsubscribed</h1><p>${lead} we will send no more feedback surveys to ${whoAndFrom(shown)}, by e-mail or text.</p><p class="hint">Changed your mind?</p>${button('resubscribe', 'Subscribe again', true)}`);
  if (event.requestContext.http.method === 'POST') {
    const body = rawBody(event);
    const action = isForm(event) ? new URLSearchParams(body).get('action') : undefined;
    if (action === 'resubscribe') {
      // One-click unsubscribe comes from mail clients (RFC 8058); subscribing again only from this page.
      refuseCrossSite(event);
      for (const key of keys) await store.deleteSuppression(key);
      return html(200, page('Subscribed again', `<h1>You will hear from us again</h1><p>Feedback surveys to ${whoAndFrom(shown)} are back on. You can unsubscribe from any survey e-mail.</p>${button('unsubscribe', 'Unsubscribe after all', true)}`));
    }
    const since = new Date().toISOString();
    for (const key of keys) await store.putSuppression(key, since, 'email-link');
    return html(200, unsubscribed('Done:'));
  }
  const suppressed = (await Promise.all(keys.map((k) => store.getSuppression(k)))).some(Boolean);
  return html(
    200,
    suppressed
      ? unsubscribed('Already done:')
      : page('Unsubscribe', `<h1>Stop feedback surveys?</h1><p>We will send no more feedback surveys to ${whoAndFrom(shown)}, by e-mail or text.</p>${button('unsubscribe', 'Unsubscribe')}`),
  );
});
