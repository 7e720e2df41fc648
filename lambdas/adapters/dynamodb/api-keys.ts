import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../../domain/people/ports';
import { table } from '../../pipeline';
import { keys } from './keys';
import { conditionally, entityOf, TableStore } from './table';

/** API keys (`APIKEY#<hash>`), all in one gsi1 partition by key id: a handful of items, read by admins. */
export class DynamoApiKeyStore extends TableStore implements ApiKeyStore {
  putApiKey(key: ApiKeyRecord) {
    return this.putNew({ ...keys.apiKey(key.keyHash), entity: 'apiKey', gsi1pk: keys.apiKeys, gsi1sk: key.keyId, ...key });
  }
  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const found: ApiKeyRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, IndexName: table.indexes[0].name, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': keys.apiKeys }, ExclusiveStartKey: start }),
      );
      found.push(...(out.Items ?? []).map((i) => entityOf<ApiKeyRecord>(i) as ApiKeyRecord));
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }
  async revokeApiKey(keyId: string, now: Date): Promise<ApiKeyRecord | undefined> {
    const out = await this.doc.send(
      new QueryCommand({ TableName: this.tableName, IndexName: table.indexes[0].name, KeyConditionExpression: 'gsi1pk = :p AND gsi1sk = :id', ExpressionAttributeValues: { ':p': keys.apiKeys, ':id': keyId } }),
    );
    const found = out.Items?.[0] ? (entityOf<ApiKeyRecord>(out.Items[0]) as ApiKeyRecord) : undefined;
    if (!found) return undefined;
    if (found.revokedAt) return found;
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.apiKey(found.keyHash),
          UpdateExpression: 'SET revokedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': now.toISOString() },
        }),
      ),
    );
    return this.getApiKey(found.keyHash);
  }
  getApiKey(keyHash: string) {
    return this.get<ApiKeyRecord>(keys.apiKey(keyHash));
  }
}
