import { APIGatewayProxyEventV2Schema, APIGatewayRequestAuthorizerEventV2Schema, DynamoDBStreamSchema } from '@aws-lambda-powertools/parser/schemas';
import { routes } from '../../../lambdas/pipeline';
import { fromHttpApiResult, matchRoute, toAuthorizerEvent, toHttpApiEvent, type HttpRequestParts } from '../../../local/apigw';
import { lambdaRecordOf } from '../../../local/stream-reader';

const request = (method: string, url: string, body = '', headers: Record<string, string> = {}): HttpRequestParts => ({
  method,
  url: new URL(url),
  headers: { host: '127.0.0.1:3000', 'user-agent': 'jest', cookie: 'a=1; b=2', ...headers },
  body: Buffer.from(body),
  sourceIp: '127.0.0.1',
});

describe('HTTP API events built by the local runtime', () => {
  it('match routes by method and path, with path parameters', () => {
    expect(matchRoute(routes, 'GET', '/admin/surveys/abc')).toMatchObject({ route: { handler: 'getSurvey' }, pathParameters: { surveyId: 'abc' } });
    expect(matchRoute(routes, 'POST', '/r/tok.en')).toMatchObject({ route: { handler: 'emailLink' }, pathParameters: { token: 'tok.en' } });
    expect(matchRoute(routes, 'DELETE', '/admin/surveys/abc')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/admin/surveys/abc/extra')).toBeUndefined();
  });

  it('match a greedy {name+} segment as API Gateway does: one or more segments, after every more specific route', () => {
    const dashboard = (method: string, path: string) => matchRoute(routes, method, path);
    expect(dashboard('GET', '/dashboard')).toMatchObject({ route: { path: '/dashboard' }, pathParameters: {} });
    expect(dashboard('GET', '/dashboard/cases')).toMatchObject({ route: { path: '/dashboard/{page+}' }, pathParameters: { page: 'cases' } });
    expect(dashboard('POST', '/dashboard/cases/a%20b/x')).toMatchObject({ route: { path: '/dashboard/{page+}' }, pathParameters: { page: 'cases/a b/x' } });
    expect(dashboard('GET', '/dashboard/')).toBeUndefined();
    expect(dashboard('DELETE', '/dashboard/cases')).toBeUndefined();
    // A literal route wins over a greedy one whatever their order.
    const table = [
      { method: 'GET', path: '/files/{rest+}', handler: 'health', auth: 'public' },
      { method: 'GET', path: '/files/{name}', handler: 'openApi', auth: 'public' },
    ] as const;
    expect(matchRoute(table, 'GET', '/files/a')).toMatchObject({ route: { handler: 'openApi' }, pathParameters: { name: 'a' } });
    expect(matchRoute(table, 'GET', '/files/a/b')).toMatchObject({ route: { handler: 'health' }, pathParameters: { rest: 'a/b' } });
    expect(matchRoute(table, 'GET', '/files')).toBeUndefined();
  });

  it('validate as payload 2.0 events for a GET with query and path parameters', () => {
    const req = request('GET', 'http://127.0.0.1:3000/admin/responses/x1?limit=5&tag=a&tag=b');
    const event = toHttpApiEvent(req, matchRoute(routes, 'GET', '/admin/responses/x1')!, { keyName: 'ops', role: 'admin' });
    const parsed = APIGatewayProxyEventV2Schema.parse(event);
    expect(parsed).toMatchObject({
      routeKey: 'GET /admin/responses/{responseId}',
      rawPath: '/admin/responses/x1',
      rawQueryString: 'limit=5&tag=a&tag=b',
      queryStringParameters: { limit: '5', tag: 'a,b' },
      pathParameters: { responseId: 'x1' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
    });
    expect(parsed.requestContext).toMatchObject({ stage: '$default', http: { method: 'GET', sourceIp: '127.0.0.1' }, authorizer: { lambda: { keyName: 'ops' } } });
    expect(event.headers.cookie).toBeUndefined();
  });

  it('carry text bodies as text and binary bodies as base64', () => {
    const json = toHttpApiEvent(request('POST', 'http://127.0.0.1:3000/responses', '{"a":1}', { 'content-type': 'application/json' }), matchRoute(routes, 'POST', '/responses')!);
    expect(APIGatewayProxyEventV2Schema.parse(json)).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const binary = toHttpApiEvent(request('POST', 'http://127.0.0.1:3000/responses', '\u0000\u0001', { 'content-type': 'application/octet-stream' }), matchRoute(routes, 'POST', '/responses')!);
    expect(APIGatewayProxyEventV2Schema.parse(binary)).toMatchObject({ body: Buffer.from('\u0000\u0001').toString('base64'), isBase64Encoded: true });
  });

  it('validate as authorizer (payload 2.0, REQUEST) events', () => {
    const event = toAuthorizerEvent(request('GET', 'http://127.0.0.1:3000/admin/alerts', '', { 'x-api-key': 'k' }), matchRoute(routes, 'GET', '/admin/alerts')!);
    expect(APIGatewayRequestAuthorizerEventV2Schema.parse(event)).toMatchObject({ type: 'REQUEST', routeKey: 'GET /admin/alerts', headers: { 'x-api-key': 'k' } });
  });

  it('map results as the HTTP API does', () => {
    expect(fromHttpApiResult({ hello: 'world' } as never)).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"hello":"world"}') });
    const binary = fromHttpApiResult({ statusCode: 201, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([1, 2]).toString('base64'), isBase64Encoded: true, cookies: ['s=1'] });
    expect(binary).toMatchObject({ statusCode: 201, headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2]), cookies: ['s=1'] });
  });
});

describe('DynamoDB stream records built by the local runtime', () => {
  // As DynamoDB Local's Streams API sends them (JSON): no eventSourceARN, the time in fractional epoch seconds,
  // an empty map as {}.
  const fromDynamoDbLocal = {
    eventID: 'c81e728d9d4c2f636f067f89cc14862c',
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: Date.parse('2026-11-24T12:34:00.750Z') / 1000,
      Keys: { pk: { S: 'RESPONSE#r1' }, sk: { S: 'META' } },
      NewImage: {
        pk: { S: 'RESPONSE#r1' },
        sk: { S: 'META' },
        answers: { M: { nps: { N: '3' }, ok: { BOOL: false } } },
        tags: { L: [{ S: 'a' }] },
        blob: { B: 'aGk=' },
        attributes: {},
        nested: { L: [{}, { M: { inner: {} } }] },
      },
      OldImage: { pk: { S: 'RESPONSE#r1' }, sk: { S: 'META' }, answers: { M: { nps: { N: '5' } } } },
      SequenceNumber: '000000000000000000101',
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
  const arn = 'arn:aws:dynamodb:ddblocal:000000000000:table/cx-feedback/stream/2026-11-24T12:00:00.000';

  it('carry the stream ARN, whole epoch seconds, base64 binaries and empty maps, and validate with the Powertools schema', () => {
    const record = lambdaRecordOf(fromDynamoDbLocal, arn, 'us-east-1');
    expect(record.eventSourceARN).toBe(arn);
    expect(record.dynamodb!.ApproximateCreationDateTime).toBe(Date.parse('2026-11-24T12:34:00Z') / 1000);
    expect(record.dynamodb!.NewImage!.blob).toEqual({ B: 'aGk=' });
    expect(record.dynamodb!.NewImage!.attributes).toEqual({ M: {} });
    expect(record.dynamodb!.NewImage!.nested).toEqual({ L: [{ M: {} }, { M: { inner: { M: {} } } }] });
    const parsed = DynamoDBStreamSchema.parse({ Records: [record] });
    expect(parsed.Records[0].dynamodb.NewImage).toMatchObject({ answers: { nps: 3, ok: false }, tags: ['a'], attributes: {}, nested: [{}, { inner: {} }] });
    expect(parsed.Records[0].dynamodb.OldImage).toMatchObject({ answers: { nps: 5 } });
  });

  it('keep the service identity of TTL deletions', () => {
    const ttl = lambdaRecordOf({ ...fromDynamoDbLocal, eventName: 'REMOVE', userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } }, arn, 'us-east-1');
    expect(ttl).toMatchObject({ eventName: 'REMOVE', userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } });
    expect(DynamoDBStreamSchema.safeParse({ Records: [ttl] }).success).toBe(true);
  });
});
