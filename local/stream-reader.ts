import type { DynamoDBRecord } from 'aws-lambda';
import { Agent, request } from 'node:http';

/** What the local poller needs of a table's stream: its shards, an iterator into one, and a page of records. */
export interface StreamReader {
  readonly streamArn: string;
  shardIds(): Promise<string[]>;
  /** From the shard's start, or after a sequence number (a checkpoint). */
  iterator(shardId: string, afterSequenceNumber?: string): Promise<string | undefined>;
  /** A page of records as Lambda delivers them, and the iterator for the next (none once the shard is closed). */
  read(iterator: string, limit: number): Promise<{ records: DynamoDBRecord[]; next?: string }>;
}

/** The iterator timed out (15 minutes unused): get a new one from the checkpoint. */
export class ExpiredIteratorError extends Error {}

/** DynamoDB Local checks that a request is signed, not what the signature says. */
export const DYNAMODB_LOCAL_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=local/20261125/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** A stream record as the DynamoDB Streams API sends it (JSON). */
interface WireRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  awsRegion?: string;
  dynamodb?: { ApproximateCreationDateTime?: number } & Record<string, unknown>;
  userIdentity?: { Type?: string; PrincipalId?: string };
}

type Attribute = Record<string, unknown>;

/** DynamoDB Local sends an empty map as `{}`, which nothing can unmarshall; Lambda sends `{"M":{}}`. */
function withEmptyMaps(value: Attribute): Attribute {
  for (const key in value) {
    if (key === 'M') return { M: withEmptyMapsIn(value.M as Record<string, Attribute>) };
    if (key === 'L') return { L: (value.L as Attribute[]).map(withEmptyMaps) };
    return value;
  }
  return { M: {} };
}

function withEmptyMapsIn(image: Record<string, Attribute> | undefined): Record<string, Attribute> | undefined {
  if (!image) return undefined;
  const out: Record<string, Attribute> = {};
  for (const name in image) out[name] = withEmptyMaps(image[name]);
  return out;
}

/**
 * The record as the Lambda event source mapping delivers it. The API's JSON is Lambda's attribute format
 * (binaries in base64) but for empty maps; Lambda adds the stream's ARN, gives the creation time in whole
 * epoch seconds, and names the identity of TTL deletions in camel case.
 */
export function lambdaRecordOf(record: WireRecord, streamArn: string, region: string): DynamoDBRecord {
  const { ApproximateCreationDateTime: created, NewImage, OldImage, ...change } = record.dynamodb ?? {};
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE' ? record.eventName : 'REMOVE',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(typeof created === 'number' ? created : Date.now() / 1000),
      ...change,
      ...(NewImage !== undefined && { NewImage: withEmptyMapsIn(NewImage as Record<string, Attribute>) }),
      ...(OldImage !== undefined && { OldImage: withEmptyMapsIn(OldImage as Record<string, Attribute>) }),
    } as DynamoDBRecord['dynamodb'],
  };
  // TTL deletions are made by the DynamoDB service principal.
  if (record.userIdentity) out.userIdentity = { type: record.userIdentity.Type ?? 'Service', principalId: record.userIdentity.PrincipalId ?? 'dynamodb.amazonaws.com' };
  return out;
}

/**
 * The stream of DynamoDB Local over its JSON API, without the SDK: the SDK would turn each page into its own
 * types and back into the JSON Lambda delivers, which was the largest part of the local pollers' CPU.
 */
export function streamReader(options: { readonly endpoint: string; readonly streamArn: string; readonly region: string }): StreamReader {
  const endpoint = new URL(options.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const call = <T>(operation: string, input: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const body = JSON.stringify(input);
      const req = request(
        {
          host: endpoint.hostname,
          port: endpoint.port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDBStreams_20120810.${operation}`, authorization: DYNAMODB_LOCAL_AUTHORIZATION, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = JSON.parse(text || '{}');
            } catch {
              return reject(new Error(`${operation}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
            }
            if (res.statusCode === 200) return resolve(parsed as T);
            const type = String(parsed.__type ?? '').split('#').pop() ?? '';
            const message = String(parsed.message ?? parsed.Message ?? text.slice(0, 200));
            reject(type === 'ExpiredIteratorException' ? new ExpiredIteratorError(message) : new Error(`${operation}: ${type || `HTTP ${res.statusCode}`}: ${message}`));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  return {
    streamArn: options.streamArn,
    async shardIds() {
      const ids: string[] = [];
      let start: string | undefined;
      do {
        const out = await call<{ StreamDescription?: { Shards?: { ShardId?: string }[]; LastEvaluatedShardId?: string } }>('DescribeStream', { StreamArn: options.streamArn, ...(start && { ExclusiveStartShardId: start }) });
        for (const shard of out.StreamDescription?.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId);
        start = out.StreamDescription?.LastEvaluatedShardId;
      } while (start);
      return ids;
    },
    async iterator(shardId, afterSequenceNumber) {
      const out = await call<{ ShardIterator?: string }>('GetShardIterator', {
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(afterSequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: afterSequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
      return out.ShardIterator;
    },
    async read(iterator, limit) {
      const out = await call<{ Records?: WireRecord[]; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: limit });
      return { records: (out.Records ?? []).map((r) => lambdaRecordOf(r, options.streamArn, options.region)), next: out.NextShardIterator };
    },
  };
}

/**
 * The records on the stream so far, shard by shard, as Lambda would deliver them (to re-deliver a batch by
 * hand): those `keep` takes, at most `limit` of them.
 */
export async function recordsSoFar(reader: StreamReader, options: { readonly keep?: (record: DynamoDBRecord) => boolean; readonly limit?: number } = {}): Promise<DynamoDBRecord[]> {
  const { keep = () => true, limit = Infinity } = options;
  const records: DynamoDBRecord[] = [];
  for (const shardId of await reader.shardIds()) {
    let iterator = await reader.iterator(shardId);
    while (iterator && records.length < limit) {
      const page = await reader.read(iterator, 1000);
      records.push(...page.records.filter(keep).slice(0, limit - records.length));
      if (page.records.length === 0) break;
      iterator = page.next;
    }
  }
  return records;
}
