import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface PublishedAlert {
  readonly message: Record<string, unknown>;
  readonly attributes: Record<string, string>;
}

export interface SnsTap {
  readonly topicArn: string;
  readonly queueUrl: string;
  published(): PublishedAlert[];
  stop(): Promise<void>;
}

/**
 * The alert topic on the SNS emulator, with a queue subscribed to it (the emulator delivers to SQS, not
 * HTTP), read in the background so the runtime can show and tests can check what was published.
 */
export async function startSnsTap(endpoint: string, log: (message: string) => void): Promise<SnsTap> {
  const sns = new SNSClient({ endpoint });
  // fauxqs names queues by a virtual host; talk to its endpoint, not the queue URL's host.
  const sqs = new SQSClient({ endpoint, useQueueUrlAsEndpoint: false });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'cx-feedback-alerts' }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'cx-feedback-alerts-local' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

  const published: PublishedAlert[] = [];
  let tapping = true;
  const loop = (async () => {
    while (tapping) {
      try {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
        for (const m of out.Messages ?? []) {
          const envelope = JSON.parse(m.Body ?? '{}');
          const attributes = Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, String((v as { Value: string }).Value)]));
          const alert = { message: JSON.parse(envelope.Message ?? '{}'), attributes };
          published.push(alert);
          log(`SNS alert published: ${alert.message.severity} at ${alert.message.touchpoint} (${alert.message.surveyName}), response ${alert.message.responseId}`);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      } catch (error) {
        if (tapping) log(`SNS tap: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    topicArn,
    queueUrl,
    published: () => [...published],
    stop: async () => {
      tapping = false;
      await loop;
    },
  };
}
