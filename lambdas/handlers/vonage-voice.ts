import { vonageNcco } from '../views/phone';
import { converse, endCall, stepOf } from '../domain/outreach/phone/survey-by-phone';
import { publicUrl } from '../shared/config';
import { phoneStore, replayGuard, surveyStore } from '../shared/dependencies';
import { httpHandler, json } from '../shared/http';
import { e164, providerField, verifyVonageRequest, vonageInput } from '../shared/webhooks';

const FINAL = new Set(['completed', 'busy', 'failed', 'timeout', 'rejected', 'cancelled', 'unanswered']);


/**
 * Vonage voice: the answer URL, the input action's eventUrl and the call event URL, all signed. Answer and
 * input return the next NCCO; a final call status ends the survey (partial if early).
 *
 * Only what the JWT covers is trusted: the body (through `payload_hash`). The call's identifiers therefore
 * come from the body alone; a GET answer webhook, which carries them in the unsigned query string, is
 * refused (403 naming the field), so the Vonage application must use `answer_method: POST`. The survey
 * is the called number's route. The `step` query parameter is only a position marker the service wrote
 * into its own eventUrl; a step that is not the conversation's current one is re-rendered, not applied.
 */
export const handler = httpHandler(async (event) => {
  const body: Record<string, any> = await verifyVonageRequest(event, replayGuard());
  const query = event.queryStringParameters ?? {};
  const uuid = providerField('uuid', typeof body.uuid === 'string' ? body.uuid : undefined);
  const deps = { surveys: surveyStore(), phones: phoneStore(), now: new Date() };
  const kind = event.rawPath.split('/').pop();

  if (kind === 'event') {
    // Only a string is a status: an object whose toString is not a function must not reach String().
    if (uuid && typeof body.status === 'string' && FINAL.has(body.status)) await endCall(deps, `voice-vonage#${uuid}`);
    return json(200, { ok: true });
  }
  if (!uuid) return json(200, vonageNcco(undefined, undefined, { eventUrl: '', first: true }));
  const state = await converse(
    deps,
    {
      id: `voice-vonage#${uuid}`,
      channel: 'voice-vonage',
      responseKey: uuid,
      calledNumber: e164(body.to),
      callerNumber: e164(body.from),
    },
    kind === 'input' && query.step !== undefined ? { value: vonageInput(body), step: query.step, expectedStep: query.step } : undefined,
  );
  const eventUrl = state ? `${publicUrl()}/webhooks/vonage/input?step=${stepOf(state.conversation)}` : '';
  return json(200, vonageNcco(state?.survey, state?.turn, { eventUrl, first: state?.started ?? true }));
});
