import { surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

/** An SES event as the configuration set's SNS destination delivers it to the function. */
const snsEvent = (messages: object[]) => ({
  Records: messages.map((message, i) => ({ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', MessageId: `m-${i}`, TopicArn: 'arn:aws:sns:us-east-1:000000000000:email-events', Message: JSON.stringify(message), Timestamp: new Date().toISOString() } })),
});

describe('e-mail delivery events (SES, through its SNS destination)', () => {
  it('count deliveries and bounces in the funnel; a permanent bounce stops mail to that address', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'billing' })) })).body.id as string;
    const sent = (await api(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email: 'gets-it@example.com' }, { email: 'no-such-box@example.com' }] }) })).body.invitations;
    const [delivered, bounced] = sent.map((i: { invitationId: string }) => i.invitationId);
    await runtime.invoke('emailEvents', snsEvent([
      { eventType: 'Delivery', mail: { tags: { invitationId: [delivered] } }, delivery: { timestamp: new Date().toISOString() } },
      { eventType: 'Bounce', mail: { tags: { invitationId: [bounced] } }, bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'no-such-box@example.com' }] } },
      { eventType: 'Delivery', mail: { tags: {} } },
    ]));
    await runtime.waitForIdle();
    const funnel = (await api(`/admin/reports/funnel?surveyId=${surveyId}`)).body;
    expect(funnel.channels).toEqual([expect.objectContaining({ channel: 'email', invited: 2, delivered: 1, bounced: 1 })]);
    const again = (await api(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts: [{ email: 'no-such-box@example.com' }] }) })).body.invitations[0];
    expect(again).toMatchObject({ status: 'suppressed' });
  });
});
