import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { openCase } from '../../../lambdas/domain/alerts';
import { handler as sendAlerts } from '../../../lambdas/handlers/send-alerts';
import { handler as scoreResponses } from '../../../lambdas/handlers/score-responses';
import { NOW, response, survey } from '../support/fixtures';
import { context, streamEvent } from '../support/events';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const storedSurvey = { pk: 'SURVEY#srv1', sk: 'META', entity: 'survey', ...survey() };
const item = (r: ReturnType<typeof response>) => ({ pk: `RESPONSE#${r.id}`, sk: 'META', entity: 'response', gsi1pk: 'SURVEY#srv1#RESPONSES', gsi1sk: `${r.submittedAt}#${r.id}`, ...r });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  ddb.reset();
  ses.reset();
  sns.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { pk: 'SURVEY#srv1', sk: 'META' } }).resolves({ Item: storedSurvey });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
  sns.on(PublishCommand).resolves({ MessageId: 'p1' });
});

describe('alert consumer', () => {
  const detractor = response({ nps: 2, comment: 'Never again' }, { id: 'r-bad' });

  it('opens the case conditionally, e-mails the owner and publishes the alert', async () => {
    expect(await sendAlerts(streamEvent([{ seq: '1', newItem: item(detractor) }]), context)).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { pk: 'ALERT#r-bad', gsi1pk: 'ALERTS', status: 'open' } });
    const mail = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(mail).toMatchObject({ FromEmailAddress: 'feedback@example.com', Destination: { ToAddresses: ['lead@example.com'] } });
    expect(mail.Content!.Simple!.Body!.Text!.Data).toContain('Never again');
    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:cx-feedback-alerts');
    expect(JSON.parse(publish.Message!)).toMatchObject({ type: 'cx.alert.opened', responseId: 'r-bad', severity: 'critical' });
    expect(publish.MessageAttributes!.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeNames!['#c'])).toEqual(['email', 'sns']);
  });

  it('ignores promoters and the scoring consumer\'s own write', async () => {
    const promoter = response({ nps: 10 }, { id: 'r-good' });
    const scored = { ...item(detractor), scores: { severity: 'critical', revision: 1 } };
    const event = streamEvent([
      { seq: '1', newItem: item(promoter) },
      { seq: '2', eventName: 'MODIFY', newItem: scored, oldItem: item(detractor) },
    ]);
    expect(await sendAlerts(event, context)).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('on a forced retry, resumes without a second e-mail or message', async () => {
    const event = streamEvent([{ seq: '7', newItem: item(detractor) }]);
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm2' });

    // First delivery: the case is written, the e-mail fails; the whole (one-record) batch failed, so
    // Powertools fails the invocation and the event source mapping retries it.
    await expect(sendAlerts(event, context)).rejects.toThrow('All records failed processing');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    // Retry: the case exists with both notifications pending.
    const pending = openCase(survey(), detractor, NOW)!;
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-bad', sk: 'META' } }).resolves({ Item: { pk: 'ALERT#r-bad', sk: 'META', ...pending } });
    expect(await sendAlerts(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2); // the failed attempt and the one that went out
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);

    // A later duplicate delivery finds both notifications sent and sends nothing.
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-bad', sk: 'META' } }).resolves({ Item: { pk: 'ALERT#r-bad', sk: 'META', ...pending, notifications: { email: 'sent', sns: 'sent' } } });
    expect(await sendAlerts(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('reports only the failing record of a batch', async () => {
    const other = response({ nps: 1 }, { id: 'r-other' });
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Content.Simple.Body.Text.Data.includes('r-other')) throw new Error('rejected');
      return { MessageId: 'ok' };
    });
    const result = await sendAlerts(streamEvent([{ seq: '1', newItem: item(detractor) }, { seq: '2', newItem: item(other) }]), context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});

describe('scoring consumer', () => {
  it('writes scores conditioned on the revision it scored', async () => {
    const r = response({ nps: 7, csat: 4 }, { id: 'r1', revision: 3 });
    expect(await scoreResponses(streamEvent([{ seq: '1', newItem: item(r) }]), context)).toEqual({ batchItemFailures: [] });
    const update = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update).toMatchObject({ Key: { pk: 'RESPONSE#r1', sk: 'META' }, ConditionExpression: 'attribute_exists(pk) AND revision = :r', ExpressionAttributeValues: { ':r': 3 } });
    expect(update.ExpressionAttributeValues![':s']).toMatchObject({ nps: { category: 'passive' }, csat: { band: 'satisfied' }, severity: 'low', revision: 3 });
  });

  it('skips a revision already scored, and tolerates answers that moved on', async () => {
    const scored = { ...item(response({ nps: 7 }, { id: 'r1' })), scores: { severity: 'low', revision: 1 } };
    await scoreResponses(streamEvent([{ seq: '1', eventName: 'MODIFY', newItem: scored }]), context);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);

    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await scoreResponses(streamEvent([{ seq: '2', newItem: item(response({ nps: 2 }, { id: 'r2' })) }]), context)).toEqual({ batchItemFailures: [] });
  });
});

describe('record order', () => {
  it('handles a batch\'s records one at a time, so two revisions of one response alert once', async () => {
    const r1 = response({ nps: 3 }, { id: 'r-call', revision: 1, status: 'partial' });
    const r2 = response({ nps: 3, csat: 2 }, { id: 'r-call', revision: 2, status: 'partial' });
    let stored: Record<string, unknown> | undefined;
    ddb.on(PutCommand).callsFake((input) => {
      if (stored) throw conditionFailed();
      stored = input.Item;
      return {};
    });
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-call', sk: 'META' } }).callsFake(() => ({ Item: stored }));
    ddb.on(UpdateCommand).callsFake((input) => {
      const channel = input.ExpressionAttributeNames['#c'] as 'email' | 'sns';
      stored = { ...stored, notifications: { ...(stored!.notifications as object), [channel]: 'sent' } };
      return {};
    });
    const event = streamEvent([
      { seq: '1', newItem: item(r1) },
      { seq: '2', eventName: 'MODIFY', newItem: item(r2), oldItem: item(r1) },
    ]);
    expect(await sendAlerts(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
