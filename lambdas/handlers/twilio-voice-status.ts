import { endCall } from '../domain/outreach/phone/survey-by-phone';
import { phoneStore, surveyStore } from '../shared/dependencies';
import { httpHandler } from '../shared/http';
import { providerField, verifyTwilioRequest, xml } from '../shared/webhooks';

const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Twilio call status callback: a call that ended mid-survey keeps its answers as a partial response. */
export const handler = httpHandler(async (event) => {
  const params = await verifyTwilioRequest(event);
  const callSid = providerField('CallSid', params.CallSid);
  if (callSid && FINAL.has(params.CallStatus ?? '')) {
    await endCall({ surveys: surveyStore(), phones: phoneStore(), now: new Date() }, `voice-twilio#${callSid}`);
  }
  return xml('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
