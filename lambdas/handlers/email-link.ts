import { responseEventsWanted } from '../shared/destination-list';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { answerFromLink, linkScore, mayConfirmByItself, resolveLink } from '../domain/outreach/email-links';
import { CONFIRM_SCRIPT_HASH, escapeHtml, surveyForm, thankYouPage } from '../views/html';
import { publicUrl } from '../shared/config';
import { askedQuestions } from '../domain/surveys/survey';
import { secretValue } from '../shared/secrets';
import { invitationStore, responseStore, surveyStore } from '../shared/dependencies';
import { formAnswers, html, htmlWithScripts, httpHandler, json, parseBody, pathParam, wantsHtml } from '../shared/http';
import { metrics } from '../shared/powertools';

/**
 * One-click links from invitation e-mails.
 * GET never records an answer: mail scanners prefetch every link in a message. It shows the answer page with
 * the clicked score selected, notes that the link was opened (the funnel's "opened"), and the page's script
 * then posts the score by itself (`confirm=1`), unless links of several scores were opened (a scanner). The
 * button is the no-script path, and also completes the answer with the other questions and the comment.
 */
export const handler = httpHandler(async (event) => {
  const token = pathParam(event, 'token');
  const now = new Date();
  const stores = { invitations: invitationStore(), surveys: surveyStore(), responses: responseStore(), responseEventsWanted };
  const link = await resolveLink(stores, await secretValue('TOKEN_SECRET'), token, now);
  const { survey, headline, responseId } = link;

  if (event.requestContext.http.method === 'GET') {
    const score = linkScore(headline, event.queryStringParameters?.score);
    const [existing, opened] = await Promise.all([stores.responses.getResponse(responseId), stores.invitations.recordLinkOpened(link.invitation.id, score, now)]);
    if (existing?.status === 'complete') return html(200, thankYouPage(survey, alreadyAnswered(existing.answers[headline.id])));
    // A partial answer (the score alone) is completed by the same page, with what was saved selected.
    const chosen = score ?? (existing?.answers[headline.id] as number | undefined);
    const selfConfirm = !existing && score !== undefined && mayConfirmByItself(opened ?? link.invitation);
    const status =
      chosen === undefined
        ? ''
        : existing
          ? `<p id="confirm-status" role="status" data-state="saved">Your score <strong>${escapeHtml(chosen)}</strong> is saved. Add a comment or answer the other questions if you like, then press “Send my answer”.</p>`
          : `<p id="confirm-status" role="status" data-saved="Your score ${escapeHtml(chosen)} is saved. Add a comment or answer the other questions if you like, then press “Send my answer”.">You chose <strong>${escapeHtml(chosen)}</strong>. Press “Send my answer” to record it; you can add a comment first.</p>`;
    const form = surveyForm(
      survey,
      {
        action: `${publicUrl()}/r/${token}`,
        hidden: {},
        // The clicked score first, then the rest of the survey (comment included).
        questions: [{ ...headline, required: true }, ...askedQuestions(survey).filter((q) => q.id !== headline.id)],
        selected: { ...(existing?.answers ?? {}), ...(chosen !== undefined && { [headline.id]: chosen }) },
        submitLabel: 'Send my answer',
        ...(selfConfirm && { confirm: { field: `answers.${headline.id}`, value: String(score) } }),
      },
      status,
    );
    return selfConfirm ? htmlWithScripts(200, form, [CONFIRM_SCRIPT_HASH]) : html(200, form);
  }

  const body = parseBody(event);
  const mode = body.confirm === '1' || body.confirm === true ? 'confirm' : 'complete';
  const outcome = await answerFromLink(stores, link, answersFrom(body), mode, now);
  if (outcome === 'created') metrics.addMetric('ResponsesReceived', MetricUnit.Count, 1);
  if (wantsHtml(event)) {
    return html(200, outcome === 'exists' ? thankYouPage(survey, 'We already had your answer, so nothing was changed.') : thankYouPage(survey));
  }
  return json(outcome === 'exists' ? 200 : 202, { id: responseId, status: outcome === 'exists' ? 'already-answered' : outcome === 'created' ? 'accepted' : 'completed' });
});

const alreadyAnswered = (score: unknown) =>
  `We already have your answer${score === undefined ? '' : ` (${score})`}, so nothing was changed.`;

function answersFrom(body: Record<string, unknown>): Record<string, unknown> {
  return body.answers && typeof body.answers === 'object' ? (body.answers as Record<string, unknown>) : formAnswers(body);
}
