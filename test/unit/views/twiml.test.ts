import fc from 'fast-check';
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { twimlDocument } from '../../../lambdas/views/twiml';

// Characters XML 1.0 allows, so Twilio's own builder accepts them too.
const xmlText = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));

describe('TwiML writer: the same document as Twilio\'s helper library', () => {
  it('writes a Gather with its Say and a Redirect exactly as VoiceResponse does, for any text and URL', () => {
    fc.assert(
      fc.property(xmlText, xmlText, fc.boolean(), (text, url, freeText) => {
        const attributes = { input: freeText ? ['speech'] : ['dtmf', 'speech'], action: url, method: 'POST', timeout: 6, speechTimeout: 'auto', language: 'en-US', actionOnEmptyResult: true };
        const twilio = new VoiceResponse();
        twilio.gather(attributes as never).say(text);
        twilio.redirect({ method: 'POST' }, url);
        const ours = twimlDocument([
          { verb: 'Gather', attributes, content: [{ verb: 'Say', content: text }] },
          { verb: 'Redirect', attributes: { method: 'POST' }, content: url },
        ]);
        expect(ours).toBe(twilio.toString());
      }),
    );
  });

  it('writes Say + Hangup, a Message, and an empty reply as Twilio does', () => {
    const voice = new VoiceResponse();
    voice.say('Goodbye & "thanks" <3');
    voice.hangup();
    expect(twimlDocument([{ verb: 'Say', content: 'Goodbye & "thanks" <3' }, { verb: 'Hangup' }])).toBe(voice.toString());
    const sms = new MessagingResponse();
    sms.message('a&b\r\nc');
    expect(twimlDocument([{ verb: 'Message', content: 'a&b\r\nc' }])).toBe(sms.toString());
    expect(twimlDocument([])).toBe(new MessagingResponse().toString());
  });

  it('drops characters XML cannot carry instead of writing a document Twilio refuses', () => {
    expect(twimlDocument([{ verb: 'Message', content: 'a\u0000b\u001bc' }])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>abc</Message></Response>');
    // A lone surrogate goes; a surrogate pair (an emoji) stays.
    expect(twimlDocument([{ verb: 'Say', attributes: { action: 'x\ud800y' }, content: '\udc00ok \u{1F600}\ud83d' }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say action="xy">ok \u{1F600}</Say></Response>',
    );
  });
});
