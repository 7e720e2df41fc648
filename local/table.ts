import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { table } from '../lambdas/pipeline';

const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
const indexSpec = (i: (typeof table.indexes)[number]) => ({
  IndexName: i.name,
  KeySchema: [
    { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: i.projection === 'keysOnly' ? ('KEYS_ONLY' as const) : ('ALL' as const) },
});

/**
 * Creates the table as the stack declares it (keys, GSIs, stream, TTL). An existing table is kept, and
 * gets any index it lacks (data kept in .local from an earlier version).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [s(table.partitionKey), s(table.sortKey), ...table.indexes.flatMap((i) => [s(i.partitionKey), s(i.sortKey)])],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.indexes.map(indexSpec),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute } }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  let described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of table.indexes.filter((i) => !present.has(i.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [s(index.partitionKey), s(index.sortKey)],
        GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
      }),
    );
    described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
}
