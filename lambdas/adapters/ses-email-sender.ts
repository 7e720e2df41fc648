import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailMessage, EmailSender } from '../domain/kernel/senders';

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly from: string,
    private readonly client: SESv2Client = new SESv2Client({}),
    /** The configuration set whose event destination reports deliveries and bounces (none locally). */
    private readonly configurationSet?: string,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        ...(this.configurationSet && message.invitationId && { ConfigurationSetName: this.configurationSet, EmailTags: [{ Name: 'invitationId', Value: message.invitationId }] }),
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
            ...(message.headers?.length && { Headers: message.headers.map((h) => ({ Name: h.name, Value: h.value })) }),
          },
        },
      }),
    );
  }
}
