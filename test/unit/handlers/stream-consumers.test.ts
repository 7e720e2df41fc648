import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { openCase } from '../../../lambdas/domain/loop/alerts';
import { handler as processResponses } from '../../../lambdas/handlers/process-responses';
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
  // No destinations: the case's events go nowhere besides e-mail and SNS.
  ddb.on(QueryCommand).resolves({ Items: [] });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
  sns.on(PublishCommand).resolves({ MessageId: 'p1' });
});

/** The UpdateCommands by what they do: notification claims, marks, and the completion write. */
const updates = (kind: 'claim' | 'mark' | 'complete' | 'failure') =>
  ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input).filter((u) => {
    const e = u.UpdateExpression ?? '';
    return kind === 'claim' ? e.startsWith('SET #until') : kind === 'mark' ? e.startsWith('SET notifications') : kind === 'complete' ? e.startsWith('SET scores') : e.startsWith('SET processingFailure');
  });

describe('response consumer', () => {
  const detractor = response({ nps: 2, comment: 'Never again' }, { id: 'r-bad' });

  it('opens the case conditionally, claims, e-mails the owner, publishes, then saves scores and ends the pending state', async () => {
    expect(await processResponses(streamEvent([{ seq: '1', newItem: item(detractor) }]), context)).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { pk: 'ALERT#r-bad', gsi1pk: expect.stringMatching(/^CASES#\d{4}-\d{2}$/), gsi2pk: expect.stringMatching(/^DUE#/), status: 'open' } });
    const mail = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(mail).toMatchObject({ FromEmailAddress: 'feedback@example.com', Destination: { ToAddresses: ['lead@example.com'] } });
    expect(mail.Content!.Simple!.Body!.Text!.Data).toContain('Never again');
    expect(mail.Content!.Simple!.Body!.Text!.Data).toMatch(/https:\/\/cx\.example\.org\/c\/\S+/);
    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:cx-feedback-alerts');
    expect(JSON.parse(publish.Message!)).toMatchObject({ type: 'cx.alert.opened', responseId: 'r-bad', severity: 'critical' });
    expect(publish.MessageAttributes!.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    expect(updates('claim').map((u) => u.ExpressionAttributeNames!['#c'])).toEqual(['email', 'sns']);
    expect(updates('mark').map((u) => u.ExpressionAttributeNames!['#c'])).toEqual(['email', 'sns']);
    const [complete] = updates('complete');
    expect(complete).toMatchObject({ Key: { pk: 'RESPONSE#r-bad', sk: 'META' }, UpdateExpression: 'SET scores = :s REMOVE gsi2pk, gsi2sk, processingFailure, pending', ExpressionAttributeValues: { ':r': 1 } });
    expect(complete.ExpressionAttributeValues![':s']).toMatchObject({ nps: { category: 'detractor' }, severity: 'critical', revision: 1 });
  });

  it('scores a promoter once and sends nothing; skips its own completion write and noted failures', async () => {
    const promoter = response({ nps: 10 }, { id: 'r-good' });
    expect(await processResponses(streamEvent([{ seq: '1', newItem: item(promoter) }]), context)).toEqual({ batchItemFailures: [] });
    expect(updates('complete')).toHaveLength(1);
    ddb.resetHistory();
    const scored = { ...item(detractor), scores: { severity: 'critical', revision: 1 } };
    const failed = { ...item(detractor), processingFailure: { step: 'email', message: 'x', at: NOW.toISOString() } };
    const event = streamEvent([
      { seq: '2', eventName: 'MODIFY', newItem: scored, oldItem: item(detractor) },
      { seq: '3', eventName: 'MODIFY', newItem: failed, oldItem: item(detractor) },
    ]);
    expect(await processResponses(event, context)).toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('tolerates answers that moved on: a superseded revision is not saved', async () => {
    ddb.on(UpdateCommand).callsFake((input) => {
      if (String(input.UpdateExpression).startsWith('SET scores')) throw conditionFailed();
      return {};
    });
    expect(await processResponses(streamEvent([{ seq: '2', newItem: item(response({ nps: 8 }, { id: 'r2' })) }]), context)).toEqual({ batchItemFailures: [] });
  });

  it('on a failed send, notes the step on the response, gives the claim back, and a retry resumes without sending twice', async () => {
    const event = streamEvent([{ seq: '7', newItem: item(detractor) }]);
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm2' });

    // First delivery: the case is written, the e-mail fails; the one-record batch fails and is retried.
    await expect(processResponses(event, context)).rejects.toThrow('All records failed processing');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(updates('failure')[0].ExpressionAttributeValues![':f']).toMatchObject({ step: 'email', message: expect.stringContaining('Throttling') });
    expect(ddb.commandCalls(UpdateCommand).some((c) => c.args[0].input.UpdateExpression === 'REMOVE #until, #by')).toBe(true);
    expect(updates('complete')).toHaveLength(0);

    // Retry: the case exists with both notifications pending.
    const pending = openCase(survey(), detractor, NOW)!;
    ddb.on(PutCommand).callsFake((input) => {
      // The case exists; the customer-timeline pointers are plain idempotent puts.
      if (String(input.Item.pk).startsWith('ALERT#')) throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-bad', sk: 'META' } }).resolves({ Item: { pk: 'ALERT#r-bad', sk: 'META', ...pending } });
    expect(await processResponses(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2); // the failed attempt and the one that went out
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(updates('complete')).toHaveLength(1);

    // A later duplicate delivery finds both notifications sent and sends nothing.
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-bad', sk: 'META' } }).resolves({ Item: { pk: 'ALERT#r-bad', sk: 'META', ...pending, notifications: { email: 'sent', sns: 'sent' } } });
    expect(await processResponses(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('stops an item at its first failing record: its later records are reported, not handled out of order; other items go on', async () => {
    const other = response({ nps: 1 }, { id: 'r-other' });
    const third = response({ nps: 1 }, { id: 'r-third' });
    const revised = response({ nps: 0, comment: 'Never again' }, { id: 'r-bad', revision: 2 });
    ses.on(SendEmailCommand).callsFake((input) => {
      if (input.Content.Simple.Body.Text.Data.includes('Never again')) throw new Error('rejected');
      return { MessageId: 'ok' };
    });
    const result = await processResponses(
      streamEvent([
        { seq: '1', newItem: item(other) },
        { seq: '2', newItem: item(detractor) },
        { seq: '3', newItem: item(third) },
        { seq: '4', eventName: 'MODIFY', newItem: item(revised), oldItem: item(detractor) },
      ]),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '4' }] });
    // r-other's, r-bad's failed attempt and r-third's; r-bad's revision 2 is not attempted.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(ses.commandCalls(SendEmailCommand).filter((c) => c.args[0].input.Content!.Simple!.Body!.Text!.Data!.includes('Never again'))).toHaveLength(1);
  });
});

describe('record order', () => {
  it('handles one response\'s records one at a time, so two revisions of it alert once', async () => {
    const r1 = response({ nps: 3 }, { id: 'r-call', revision: 1, status: 'partial' });
    const r2 = response({ nps: 3, csat: 2 }, { id: 'r-call', revision: 2, status: 'partial' });
    let stored: Record<string, unknown> | undefined;
    ddb.on(PutCommand).callsFake((input) => {
      if (!String(input.Item.pk).startsWith('ALERT#')) return {};
      if (stored) throw conditionFailed();
      stored = input.Item;
      return {};
    });
    ddb.on(GetCommand, { Key: { pk: 'ALERT#r-call', sk: 'META' } }).callsFake(() => ({ Item: stored }));
    ddb.on(UpdateCommand).callsFake((input) => {
      if (String(input.UpdateExpression).startsWith('SET notifications')) {
        const channel = input.ExpressionAttributeNames['#c'] as 'email' | 'sns';
        stored = { ...stored, notifications: { ...(stored!.notifications as object), [channel]: 'sent' } };
      }
      return {};
    });
    const event = streamEvent([
      { seq: '1', newItem: item(r1) },
      { seq: '2', eventName: 'MODIFY', newItem: item(r2), oldItem: item(r1) },
    ]);
    expect(await processResponses(event, context)).toEqual({ batchItemFailures: [] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
