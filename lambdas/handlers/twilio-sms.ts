import { smsCommand } from '../domain/outreach/phone/answers';
import { endCall, converse } from '../domain/outreach/phone/survey-by-phone';
import { smsText, SURVEY_OVER_SMS } from '../domain/outreach/phone/sms-text';
import { twilioSmsTwiml } from '../views/phone';
import { phoneStore, suppressionStore, surveyStore } from '../shared/dependencies';
import { httpHandler } from '../shared/http';
import { logger } from '../shared/powertools';
import { secretValue } from '../shared/secrets';
import { contactKeys } from '../domain/people/identities';
import { providerField, verifyTwilioRequest, xml } from '../shared/webhooks';

/**
 * Twilio inbound SMS: replies to a texted survey. STOP-style keywords opt the number out (remembered, and
 * no survey is texted to it again until START); any other reply answers the current question.
 */
export const handler = httpHandler(async (event) => {
  const params = await verifyTwilioRequest(event);
  const from = providerField('From', params.From);
  const messageSid = providerField('MessageSid', params.MessageSid);
  const to = providerField('To', params.To);
  const body = params.Body ?? '';
  if (!from || !messageSid) return xml(twilioSmsTwiml(undefined));
  const phones = phoneStore();
  const deps = { surveys: surveyStore(), phones, now: new Date() };
  const conversationId = `sms#${from}`;

  const command = smsCommand(body);
  if (command === 'stop') {
    const contact = await phones.getContact(from);
    await phones.putContact({ ...contact, phoneNumber: from, optedOutAt: deps.now.toISOString() });
    // On every channel: the number and, when known, the customer behind it (their e-mail invitations too).
    const secret = await secretValue('TOKEN_SECRET');
    for (const key of contactKeys(secret, { phone: from, ...(contact?.customerId && { customerId: contact.customerId }) })) {
      await suppressionStore().putSuppression(key, deps.now.toISOString(), 'sms-stop');
    }
    await endCall(deps, conversationId);
    logger.info('SMS opt-out recorded', { messageSid });
    // The carrier sends the opt-out confirmation itself.
    return xml(twilioSmsTwiml(undefined));
  }
  if (command === 'start') {
    const contact = await phones.getContact(from);
    if (contact?.optedOutAt) await phones.putContact({ phoneNumber: from, ...(contact.customerId && { customerId: contact.customerId }) });
    const secret = await secretValue('TOKEN_SECRET');
    for (const key of contactKeys(secret, { phone: from, ...(contact?.customerId && { customerId: contact.customerId }) })) await suppressionStore().deleteSuppression(key);
    return xml(twilioSmsTwiml('You are subscribed to feedback surveys again. Reply STOP to opt out.'));
  }
  if (command === 'help') return xml(twilioSmsTwiml('Feedback survey: reply with your answer. Reply STOP to opt out.'));
  if ((await phones.getContact(from))?.optedOutAt) return xml(twilioSmsTwiml(undefined));

  const state = await converse(
    deps,
    { id: conversationId, channel: 'sms', responseKey: messageSid, calledNumber: to, callerNumber: from },
    { value: { text: body }, step: messageSid },
  );
  if (!state) return xml(twilioSmsTwiml(undefined));
  if (state.over) return xml(twilioSmsTwiml(SURVEY_OVER_SMS));
  return xml(twilioSmsTwiml(smsText(state.survey, state.turn, false)));
});
