import { twilioSignature, vonageJwt } from '../local/signing';

const USAGE = `Prints the signature a provider would send, for trying webhooks with curl.

  npm run -s sign-webhook -- twilio URL [Name=Value ...]   X-Twilio-Signature for a form POST (uses $TWILIO_AUTH_TOKEN)
  npm run -s sign-webhook -- vonage [JSON-BODY]             Bearer JWT for a Vonage webhook (uses $VONAGE_SIGNATURE_SECRET)
                                                            (each carries a fresh jti and is accepted once)

Example:
  URL=http://127.0.0.1:3000/webhooks/twilio/voice
  curl -s $URL -H "X-Twilio-Signature: $(npm run -s sign-webhook -- twilio $URL CallSid=CA1 From=+14155550100 To=+15005550006)" \\
       --data-urlencode CallSid=CA1 --data-urlencode From=+14155550100 --data-urlencode To=+15005550006`;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: use the value the local runtime printed (or set it before npm start).`);
    process.exit(2);
  }
  return value;
}

const [provider, ...args] = process.argv.slice(2);
if (provider === 'twilio' && args[0]) {
  const params = Object.fromEntries(args.slice(1).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  console.log(twilioSignature(required('TWILIO_AUTH_TOKEN'), args[0], params));
} else if (provider === 'vonage') {
  console.log(vonageJwt(required('VONAGE_SIGNATURE_SECRET'), args[0] ?? ''));
} else {
  console.log(USAGE);
  process.exit(provider ? 2 : 0);
}
