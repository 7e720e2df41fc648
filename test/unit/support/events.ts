import type { APIGatewayProxyEventV2, Context, DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import base from '../../fixtures/events/apigw-v2-post.json';

/** An HTTP API (payload 2.0) event from the recorded fixture, adjusted per test. */
export function httpEvent(method: string, routePath: string, options: { rawPath?: string; body?: string | object; headers?: Record<string, string>; query?: Record<string, string>; pathParameters?: Record<string, string>; caller?: { keyName: string; role: string; scope?: object } } = {}): APIGatewayProxyEventV2 {
  const rawPath = options.rawPath ?? routePath;
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  // Admin routes always reach the handler with the authorizer's context, as API Gateway passes it.
  const caller = options.caller ?? (routePath.startsWith('/admin/') ? { keyName: 'unit-admin', role: 'admin' } : undefined);
  const authorizer = caller && { authorizer: { lambda: { keyName: caller.keyName, role: caller.role, scope: JSON.stringify(caller.scope ?? {}) } } };
  return {
    ...structuredClone(base),
    routeKey: `${method} ${routePath}`,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { ...base.headers, 'content-length': String(Buffer.byteLength(body ?? '')), ...options.headers },
    requestContext: { ...structuredClone(base.requestContext), routeKey: `${method} ${routePath}`, http: { ...base.requestContext.http, method, path: rawPath }, ...authorizer },
    ...(options.query && { queryStringParameters: options.query }),
    ...(options.pathParameters && { pathParameters: options.pathParameters }),
    ...(body !== undefined && { body }),
  } as APIGatewayProxyEventV2;
}

export const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cx-feedback-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cx-feedback-test',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/cx-feedback-test',
  logStreamName: '2026/11/24/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** A DynamoDB stream event for a response item, as Lambda delivers it. */
export function streamEvent(records: { seq: string; eventName?: 'INSERT' | 'MODIFY'; newItem: Record<string, unknown>; oldItem?: Record<string, unknown> }[]): DynamoDBStreamEvent {
  return {
    Records: records.map((r) => ({
      eventID: `event-${r.seq}`,
      eventName: r.eventName ?? 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/cx-feedback/stream/2026-11-24T00:00:00.000',
      dynamodb: {
        ApproximateCreationDateTime: 1795521600,
        Keys: marshall({ pk: r.newItem.pk, sk: r.newItem.sk }) as never,
        NewImage: marshall(r.newItem, { removeUndefinedValues: true }) as never,
        ...(r.oldItem && { OldImage: marshall(r.oldItem, { removeUndefinedValues: true }) as never }),
        SequenceNumber: r.seq,
        SizeBytes: 512,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  };
}
