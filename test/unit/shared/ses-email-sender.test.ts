import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { SesEmailSender } from '../../../lambdas/adapters/ses-email-sender';

const ses = mockClient(SESv2Client);
const message = { to: 'ann@example.com', subject: 'S', text: 't', html: '<p>t</p>' };

describe('the SES sender', () => {
  beforeEach(() => ses.reset());

  it('sends an invitation through the configuration set, tagged with its invitation, so its events can be matched', async () => {
    await new SesEmailSender('feedback@shop.example.org', new SESv2Client({ region: 'us-east-1' }), 'cx-invitations').send({ ...message, invitationId: 'inv-1' });
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).toMatchObject({ ConfigurationSetName: 'cx-invitations', EmailTags: [{ Name: 'invitationId', Value: 'inv-1' }] });
  });

  it('sends other mail (alerts), and everything where no configuration set exists (locally), without one', async () => {
    await new SesEmailSender('feedback@shop.example.org', new SESv2Client({ region: 'us-east-1' }), 'cx-invitations').send(message);
    await new SesEmailSender('feedback@shop.example.org', new SESv2Client({ region: 'us-east-1' })).send({ ...message, invitationId: 'inv-1' });
    for (const call of ses.commandCalls(SendEmailCommand)) expect(call.args[0].input.ConfigurationSetName).toBeUndefined();
  });
});
