import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { hashApiKey } from '../../../lambdas/domain/people/api-keys';
import { handler } from '../../../lambdas/handlers/authorizer';
import { context } from '../support/events';

const ddb = mockClient(DynamoDBDocumentClient);
const KEY = 'cxk_known-key-for-unit-tests-000';
const event = (headers: Record<string, string>) =>
  ({ version: '2.0', type: 'REQUEST', routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abc123/$default/GET/admin/alerts', identitySource: [], routeKey: 'GET /admin/alerts', rawPath: '/admin/alerts', rawQueryString: '', headers, requestContext: { accountId: '123456789012', apiId: 'abc123', domainName: 'abc123.execute-api.us-east-1.amazonaws.com', domainPrefix: 'abc123', http: { method: 'GET', path: '/admin/alerts', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'curl/8' }, requestId: 'r1', routeKey: 'GET /admin/alerts', stage: '$default', time: '24/Nov/2026:12:00:00 +0000', timeEpoch: 1795521600000 } }) as unknown as APIGatewayRequestAuthorizerEventV2;

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { pk: `APIKEY#${hashApiKey(KEY)}`, sk: 'META' } }).resolves({ Item: { pk: 'x', sk: 'META', keyHash: hashApiKey(KEY), name: 'ops', role: 'admin', createdAt: '2026-11-24T00:00:00Z' } });
});

describe('API-key authorizer', () => {
  it('refuses a missing key, or an event API Gateway would not send, without throwing (a throw is a Lambda error that trips the errors alarm)', async () => {
    expect(await handler(event({}), context)).toMatchObject({ isAuthorized: false });
    expect(await handler({ ...event({}), headers: undefined } as never, context)).toMatchObject({ isAuthorized: false });
    expect(await handler(null as never, context)).toMatchObject({ isAuthorized: false });
    expect(await handler({ headers: { 'x-api-key': KEY } } as never, context)).toMatchObject({ isAuthorized: false });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses an unknown key (403), looking it up by hash only', async () => {
    expect(await handler(event({ 'x-api-key': 'cxk_not-a-known-key-000000000' }), context)).toMatchObject({ isAuthorized: false });
    expect(JSON.stringify(ddb.commandCalls(GetCommand)[0].args[0].input)).not.toContain('cxk_not-a-known-key');
  });

  it('accepts a known key from x-api-key or Authorization: Bearer', async () => {
    expect(await handler(event({ 'x-api-key': KEY }), context)).toEqual({ isAuthorized: true, context: { keyName: 'ops', role: 'admin', scope: '{}' } });
    expect(await handler(event({ authorization: `Bearer ${KEY}` }), context)).toMatchObject({ isAuthorized: true });
  });
});
