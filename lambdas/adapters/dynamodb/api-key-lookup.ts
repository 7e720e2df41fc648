import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyLookup, ApiKeyRecord } from '../../domain/people/ports';
import { keys } from './keys';
import { documentClient, entityOf } from './table';

/** The one read the authorizer makes: a key by its hash. Apart from the store, so the authorizer loads little. */
export class DynamoApiKeyLookup implements ApiKeyLookup {
  private readonly doc;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  async getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKey(keyHash) }));
    return entityOf<ApiKeyRecord>(out.Item);
  }
}
