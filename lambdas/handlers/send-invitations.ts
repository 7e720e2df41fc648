import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { validationError } from '../domain/kernel/errors';
import { InvitationRequestSchema, sendInvitations } from '../domain/outreach/invitations';
import { assertTakesAnswers, loadSurvey } from '../domain/intake/submissions';
import { publicUrl, senderAddress } from '../shared/config';
import { secretValue } from '../shared/secrets';
import { invitationMessages } from '../views/messages';
import { contactHistoryStore, customerStore, fatigueSettingsStore, invitationStore, suppressionStore, surveyStore } from '../shared/dependencies';
import { emailSender } from '../shared/senders';
import { httpHandler, idempotencyKey, json, parseBody, pathParam, zodDetails } from '../shared/http';
import { logger, metrics } from '../shared/powertools';

export const handler = httpHandler(async (event) => {
  const parsed = InvitationRequestSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the invitation request is not valid', zodDetails(parsed.error.issues));
  const key = idempotencyKey(event);
  const survey = await loadSurvey(surveyStore(), pathParam(event, 'surveyId'));
  assertTakesAnswers(survey);
  const results = await sendInvitations(
    {
      invitations: invitationStore(),
      suppressions: suppressionStore(),
      fatigueSettings: fatigueSettingsStore(),
      contacts: contactHistoryStore(),
      customers: customerStore(),
      email: emailSender(),
      messages: invitationMessages,
      tokenSecret: await secretValue('TOKEN_SECRET'),
      publicUrl: publicUrl(),
      sender: senderAddress(),
      now: new Date(),
      // The address stays out of the logs; the invitation id is enough to trace it.
      onFailure: (_email, error) => logger.error('invitation not sent', error as Error),
    },
    survey,
    parsed.data,
    key,
  );
  metrics.addMetric('InvitationsSent', MetricUnit.Count, results.filter((r) => r.status === 'sent').length);
  return json(202, { surveyId: survey.id, invitations: results });
});
