import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../../lambdas/handlers/connect-survey';
import { parseConnectEvent } from '../../../lambdas/domain/intake/connect';
import connectEvent from '../../fixtures/events/connect-contact-flow.json';
import { mockSurveyTable } from '../support/survey-table';
import { context } from '../support/events';

const ddb = mockSurveyTable();

/** The recorded contact flow event, for survey srv1, changed by `edit`. */
function event(edit: (e: any) => void = () => undefined): any {
  const copy: any = structuredClone(connectEvent);
  copy.Details.Parameters.surveyId = 'srv1';
  edit(copy);
  return copy;
}
const invoke = (e: unknown) => handler(e as never, context);

describe('Amazon Connect survey block', () => {
  it('stores a good event once per contact and answers with a flat string map', async () => {
    const result = await invoke(event());
    expect(result).toEqual({ stored: 'true', responseId: expect.any(String), severity: expect.any(String), alert: 'true' });
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input.Item).toMatchObject({
      channel: 'connect',
      customerId: 'cust-connect-1',
      answers: { nps: 1, csat: 2 },
      contact: { phone: '+14155550199' },
      attributes: { contactId: connectEvent.Details.ContactData.ContactId, connectChannel: 'VOICE', queue: 'BasicQueue' },
    });
  });

  it.each([
    ['a null event', null, 'event'],
    ['null Details', event((e) => (e.Details = null)), 'Details'],
    ['null ContactData', event((e) => (e.Details.ContactData = null)), 'Details.ContactData'],
    ['null Parameters', event((e) => (e.Details.Parameters = null)), 'Details.Parameters'],
    ['no surveyId', event((e) => delete e.Details.Parameters.surveyId), 'Details.Parameters.surveyId'],
    ['an object as customerId', event((e) => (e.Details.Parameters.customerId = { $ne: 1 })), 'Details.Parameters.customerId'],
    ['an object as attribute customerId', event((e) => (e.Details.ContactData.Attributes.customerId = { a: 1 })), 'Details.ContactData.Attributes.customerId'],
    ['a 10,000-character ContactId', event((e) => (e.Details.ContactData.ContactId = 'a'.repeat(10_000))), 'Details.ContactData.ContactId'],
    ['an object as ContactId', event((e) => (e.Details.ContactData.ContactId = { id: 1 })), 'Details.ContactData.ContactId'],
    ['control characters in customerId', event((e) => (e.Details.Parameters.customerId = 'c-1\r\nBcc: x@example.com')), 'Details.Parameters.customerId'],
    ['control characters in the customerId attribute', event((e) => (e.Details.ContactData.Attributes.customerId = 'c-1\nSeverity: none')), 'Details.ContactData.Attributes.customerId'],
    ['a 129-character customerId', event((e) => (e.Details.Parameters.customerId = 'c'.repeat(129))), 'Details.Parameters.customerId'],
    ['a surveyId that is no id', event((e) => (e.Details.Parameters.surveyId = '../srv1')), 'Details.Parameters.surveyId'],
    ['a 513-character attribute value', event((e) => (e.Details.ContactData.Attributes.note = 'x'.repeat(513))), 'Details.ContactData.Attributes.note'],
    ['a long answerPrefix', event((e) => (e.Details.Parameters.answerPrefix = 'p'.repeat(100))), 'Details.Parameters.answerPrefix'],
    ['a queue name with a line break', event((e) => (e.Details.ContactData.Queue.Name = 'Basic\nQueue')), 'Details.ContactData.Queue.Name'],
  ])('refuses %s with stored=false naming the field, and stores nothing', async (_, input, field) => {
    const result = await invoke(input);
    expect(result).toEqual({ stored: 'false', error: expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}: .+`)) });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('still reports answers the survey refuses as stored=false', async () => {
    const result = await invoke(event((e) => (e.Details.ContactData.Attributes.survey_nps = '42')));
    expect(result).toEqual({ stored: 'false', error: 'answers.nps: must be at most 10' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('parseConnectEvent', () => {
  it('reads answers by prefix, drops empty values and treats empty parameters as absent', () => {
    const parsed = parseConnectEvent(
      event((e) => {
        e.Details.Parameters = { surveyId: 'srv1', answerPrefix: 'q_', customerId: '', partial: 'true' };
        e.Details.ContactData.Attributes = { q_nps: '9', q_comment: '', q_: 'x', other: 'y', customerId: 'c-7' };
        e.Details.ContactData.CustomerEndpoint = { Address: 'sip:someone', Type: 'TELEPHONE_NUMBER' };
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      input: expect.objectContaining({ surveyId: 'srv1', customerId: 'c-7', answers: { nps: '9' }, partial: true }),
    });
    expect(parsed.ok && parsed.input.phone).toBeUndefined();
  });

  it('refuses prototype names among the contact attributes', () => {
    const parsed = parseConnectEvent(JSON.parse(JSON.stringify(event()).replace('"survey_nps"', '"__proto__"')));
    expect(parsed).toEqual({ ok: false, error: expect.stringMatching(/^Details\.ContactData\.Attributes/) });
  });
});
