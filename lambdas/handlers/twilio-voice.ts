import { converse, stepOf } from '../domain/outreach/phone/survey-by-phone';
import { twilioVoiceTwiml } from '../views/phone';
import { publicUrl } from '../shared/config';
import { phoneStore, surveyStore } from '../shared/dependencies';
import { httpHandler } from '../shared/http';
import { customerIdParameter, providerField, verifyTwilioRequest, xml } from '../shared/webhooks';

/**
 * Twilio voice IVR: the number's "A call comes in" webhook (or a post-call redirect) and every <Gather>
 * action. `surveyId` and `customerId` may come as query parameters; otherwise the called number's route
 * picks the survey and the caller's number the customer. `step` marks the question a callback answers.
 */
export const handler = httpHandler(async (event) => {
  const params = await verifyTwilioRequest(event);
  const query = event.queryStringParameters ?? {};
  const callSid = providerField('CallSid', params.CallSid);
  if (!callSid) return xml(twilioVoiceTwiml(undefined, undefined, { actionUrl: '', first: true }));
  const state = await converse(
    { surveys: surveyStore(), phones: phoneStore(), now: new Date() },
    {
      id: `voice-twilio#${callSid}`,
      channel: 'voice-twilio',
      responseKey: callSid,
      surveyId: query.surveyId,
      customerId: customerIdParameter(query.customerId),
      calledNumber: providerField('To', params.To),
      callerNumber: providerField('From', params.From),
    },
    query.step === undefined ? undefined : { value: { digits: params.Digits, speech: params.SpeechResult }, step: query.step, expectedStep: query.step },
  );
  const actionUrl = state ? `${publicUrl()}/webhooks/twilio/voice?step=${stepOf(state.conversation)}` : '';
  return xml(twilioVoiceTwiml(state?.survey, state?.turn, { actionUrl, first: state?.started ?? true }));
});
