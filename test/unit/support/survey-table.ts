import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { survey } from './fixtures';

/**
 * A mocked table that holds survey `srv1` (the fixture) and accepts every put, reset before each test.
 * Returns the mock, so tests can add answers or read the calls.
 */
export function mockSurveyTable() {
  const ddb = mockClient(DynamoDBDocumentClient);
  const stored = { pk: 'SURVEY#srv1', sk: 'META', entity: 'survey', ...survey() };
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(GetCommand, { Key: { pk: 'SURVEY#srv1', sk: 'META' } }).resolves({ Item: stored });
    ddb.on(PutCommand).resolves({});
  });
  return ddb;
}
