import { env } from '../pipeline';
import { DomainError, validationError } from '../domain/kernel/errors';
import { SmsInvitationRequestSchema, sendSmsInvitations } from '../domain/outreach/phone/sms-invitations';
import { assertTakesAnswers, loadSurvey } from '../domain/intake/submissions';
import { fatigued } from '../domain/outreach/fatigue';
import { rememberContact } from '../domain/people/contact-history';
import { isSuppressed } from '../domain/outreach/suppression';
import { contactKeys } from '../domain/people/identities';
import { TwilioSmsSender } from '../adapters/twilio-sms-sender';
import { secretValue } from '../shared/secrets';
import { contactHistoryStore, fatigueSettingsStore, phoneStore, suppressionStore, surveyStore } from '../shared/dependencies';
import { httpHandler, idempotencyKey, json, parseBody, pathParam, zodDetails } from '../shared/http';
import { logger } from '../shared/powertools';

/** `POST /admin/surveys/{surveyId}/sms-invitations`: texts the first question; replies go to the SMS webhook. */
export const handler = httpHandler(async (event) => {
  const parsed = SmsInvitationRequestSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the SMS invitation request is not valid', zodDetails(parsed.error.issues));
  const key = idempotencyKey(event);
  const survey = await loadSurvey(surveyStore(), pathParam(event, 'surveyId'));
  assertTakesAnswers(survey);
  const accountSid = process.env[env.twilioAccountSid];
  const from = process.env[env.twilioFromNumber];
  if (!accountSid || !from) {
    throw new DomainError(409, 'sms_not_configured', 'SMS sending is not configured for this deployment', [
      { field: accountSid ? env.twilioFromNumber : env.twilioAccountSid, message: 'is not set' },
    ]);
  }
  const apiUrl = process.env[env.twilioApiUrl] ?? 'https://api.twilio.com';
  const sms = new TwilioSmsSender({ apiUrl, accountSid, authToken: await secretValue('TWILIO_AUTH_TOKEN'), from });
  const results = await sendSmsInvitations(
    {
      phones: phoneStore(),
      sms,
      now: new Date(),
      suppressed: async (who) => isSuppressed(suppressionStore(), await secretValue('TOKEN_SECRET'), who),
      fatigued: async (who) => fatigued({ settings: fatigueSettingsStore(), contacts: contactHistoryStore() }, contactKeys(await secretValue('TOKEN_SECRET'), who), survey.fatigue, new Date()),
      invited: async (who) => rememberContact(contactHistoryStore(), contactKeys(await secretValue('TOKEN_SECRET'), who), 'invited', new Date().toISOString()),
      onFailure: (error) => logger.error('SMS invitation not sent', error as Error),
    },
    survey,
    parsed.data,
    key,
  );
  return json(202, { surveyId: survey.id, invitations: results });
});
