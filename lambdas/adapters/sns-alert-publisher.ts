import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../domain/kernel/senders';

export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly topicArn: string,
    private readonly client: SNSClient = new SNSClient({}),
  ) {}

  async publish(message: object, attributes: Record<string, string>): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(message),
        // Attributes let subscribers filter (e.g. only critical alerts to the on-call channel).
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      }),
    );
  }
}
