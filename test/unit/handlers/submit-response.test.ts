import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../lambdas/handlers/submit-response';
import { mockSurveyTable } from '../support/survey-table';
import { context, httpEvent } from '../support/events';

const ddb = mockSurveyTable();

const post = (body: unknown, headers: Record<string, string> = {}) =>
  handler(httpEvent('POST', '/responses', { body: typeof body === 'string' ? body : (body as object), headers }), context);
const json = (result: Awaited<ReturnType<typeof post>>) => JSON.parse(result.body as string);

describe('POST /responses', () => {
  it('stores a valid response once with a conditional put and answers 202 with its id', async () => {
    const result = await post({ surveyId: 'srv1', customerId: 'c-9', answers: { nps: 4, comment: 'Slow' } });
    expect(result.statusCode).toBe(202);
    const { id } = json(result);
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input).toMatchObject({
      TableName: 'cx-feedback-test',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `RESPONSE#${id}`, sk: 'META', entity: 'response', gsi1pk: 'SURVEY#srv1#RESPONSES', channel: 'web', touchpoint: 'delivery', customerId: 'c-9', answers: { nps: 4, comment: 'Slow' }, revision: 1, status: 'complete' },
    });
  });

  it('answers an unknown survey with 404 naming surveyId, and stores nothing', async () => {
    const result = await post({ surveyId: 'nope', answers: { nps: 4 } });
    expect(result.statusCode).toBe(404);
    expect(json(result).error).toMatchObject({ code: 'not_found', details: [{ field: 'surveyId' }] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it.each([
    ['{"surveyId":', 400, 'malformed_json', 'body'],
    [{ surveyId: 'srv1', answers: { nps: 12 } }, 400, 'validation_failed', 'answers.nps'],
    [{ surveyId: 'srv1', answers: { csat: 3 } }, 400, 'validation_failed', 'answers.nps'],
    [{ surveyId: 'srv1', answers: { nps: 5 }, extra: 1 }, 400, 'validation_failed', ''],
    [[1, 2], 400, 'validation_failed', 'body'],
  ])('refuses %j with %i %s', async (body, status, code, field) => {
    const result = await post(body);
    expect(result.statusCode).toBe(status);
    expect(json(result).error.code).toBe(code);
    if (field) expect(json(result).error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses a body over 64 KB with 413 before parsing', async () => {
    const result = await post({ surveyId: 'srv1', answers: { nps: 5, comment: 'x'.repeat(65 * 1024) } });
    expect(result.statusCode).toBe(413);
    expect(json(result).error.code).toBe('payload_too_large');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses other media types with 415', async () => {
    const result = await post('nps=5', { 'content-type': 'text/plain' });
    expect(result.statusCode).toBe(415);
  });

  it('gives the same id to retries with one Idempotency-Key and reports the duplicate', async () => {
    const body = { surveyId: 'srv1', answers: { nps: 9 } };
    const first = json(await post(body, { 'idempotency-key': 'order-77' }));
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const second = await post(body, { 'idempotency-key': 'order-77' });
    expect(second.statusCode).toBe(202);
    expect(json(second)).toEqual({ id: first.id, status: 'duplicate' });
  });

  it('answers the hosted form with an HTML page, errors included', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
    const ok = await post(new URLSearchParams({ surveyId: 'srv1', idempotencyKey: 'k1', 'answers.nps': '10', 'answers.comment': '' }).toString(), form);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers!['content-type']).toContain('text/html');
    expect(ok.body).toContain('Thank you');
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ answers: { nps: 10 } });
    const bad = await post(new URLSearchParams({ surveyId: 'srv1', 'answers.nps': '<b>11</b>' }).toString(), form);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('answers.nps');
    expect(bad.body).not.toContain('<b>11</b>');
  });

  it('hides internal failures behind a generic 500 without detail', async () => {
    ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded: table cx-feedback-test'));
    const result = await post({ surveyId: 'srv1', answers: { nps: 9 } });
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('cx-feedback-test');
    expect(json(result).error.code).toBe('internal_error');
  });
});

describe('e-mail invitations when SES is down', () => {
  it('answers 502 delivery_failed (retry with the same key), not a generic 500', async () => {
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const { handler: invite } = await import('../../../lambdas/handlers/send-invitations');
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(new Error('ServiceUnavailable'));
    const result = await invite(
      httpEvent('POST', '/admin/surveys/{surveyId}/invitations', { rawPath: '/admin/surveys/srv1/invitations', pathParameters: { surveyId: 'srv1' }, body: { contacts: [{ email: 'ann@example.com' }] } }),
      context,
    );
    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body as string).error).toMatchObject({ code: 'delivery_failed', message: expect.stringContaining('Idempotency-Key') });
    ses.restore();
  });
});
