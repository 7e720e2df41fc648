import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { linkScore, resolveLink } from '../domain/email-links';
import { DomainError } from '../domain/errors';
import { escapeHtml, surveyForm, thankYouPage } from '../domain/html';
import { recordResponse } from '../domain/submissions';
import { publicUrl, secretValue } from '../shared/config';
import { feedbackStore } from '../shared/dependencies';
import { formAnswers, html, httpHandler, json, parseBody, pathParam, wantsHtml, type HttpEvent } from '../shared/http';
import { metrics } from '../shared/powertools';

/**
 * One-click links from invitation e-mails.
 * GET only shows the answer page with the clicked score selected; the score is recorded by the page's POST.
 * Mail scanners prefetch every link in a message, so recording on GET would let them vote for the customer.
 */
export const handler = httpHandler(async (event) => {
  const token = pathParam(event, 'token');
  const now = new Date();
  const store = feedbackStore();
  const link = await resolveLink(store, await secretValue('TOKEN_SECRET'), token, now);
  const { survey, headline, invitation, responseId } = link;

  if (event.requestContext.http.method === 'GET') {
    const score = linkScore(headline, event.queryStringParameters?.score);
    const existing = await store.getResponse(responseId);
    if (existing) return html(200, thankYouPage(survey, alreadyAnswered(existing.answers[headline.id])));
    return html(
      200,
      surveyForm(
        survey,
        {
          action: `${publicUrl()}/r/${token}`,
          hidden: {},
          // The clicked score first, then the rest of the survey (comment included).
          questions: [{ ...headline, required: true }, ...survey.questions.filter((q) => q.id !== headline.id)],
          selected: score === undefined ? {} : { [headline.id]: score },
          submitLabel: 'Send my answer',
        },
        score === undefined ? '' : `<p>You chose <strong>${escapeHtml(score)}</strong>. Press “Send my answer” to record it; you can add a comment first.</p>`,
      ),
    );
  }

  const answers = answersFrom(event);
  if (answers[headline.id] === undefined || answers[headline.id] === '') {
    throw new DomainError(400, 'validation_failed', 'please choose a score', [{ field: `answers.${headline.id}`, message: 'is required' }]);
  }
  const { outcome } = await recordResponse(
    store,
    {
      surveyId: survey.id,
      channel: 'email',
      answers,
      customerId: invitation.customerId,
      contact: invitation.contact,
      attributes: invitation.attributes,
      invitationId: invitation.id,
      idempotencyKey: invitation.id,
    },
    now,
    survey,
  );
  if (outcome === 'created') metrics.addMetric('ResponsesReceived', MetricUnit.Count, 1);
  if (wantsHtml(event)) {
    return html(200, outcome === 'created' ? thankYouPage(survey) : thankYouPage(survey, 'We already had your answer, so nothing was changed.'));
  }
  return json(outcome === 'created' ? 202 : 200, { id: responseId, status: outcome === 'created' ? 'accepted' : 'already-answered' });
});

const alreadyAnswered = (score: unknown) =>
  `We already have your answer${score === undefined ? '' : ` (${score})`}, so nothing was changed.`;

function answersFrom(event: HttpEvent): Record<string, unknown> {
  const body = parseBody(event);
  return body.answers && typeof body.answers === 'object' ? (body.answers as Record<string, unknown>) : formAnswers(body);
}
