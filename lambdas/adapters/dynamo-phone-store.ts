import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/phone/conversation';
import type { PhoneContact, PhoneRoute, PhoneStore } from '../domain/phone/ports';

const keys = {
  conversation: (id: string) => ({ pk: `CONVERSATION#${id}`, sk: 'META' }),
  route: (phone: string) => ({ pk: `PHONEROUTE#${phone}`, sk: 'META' }),
  contact: (phone: string) => ({ pk: `PHONE#${phone}`, sk: 'META' }),
};

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as T;
};

export class DynamoPhoneStore implements PhoneStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    return strip<T>((await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item);
  }

  getConversation(id: string) {
    return this.get<Conversation>(keys.conversation(id));
  }

  async saveConversation(conversation: Conversation): Promise<boolean> {
    const next = { ...conversation, version: conversation.version + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.conversation(conversation.id), entity: 'conversation', ...next },
          ConditionExpression: conversation.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(conversation.version !== 0 && { ExpressionAttributeValues: { ':v': conversation.version } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  getRoute(phoneNumber: string) {
    return this.get<PhoneRoute>(keys.route(phoneNumber));
  }
  async putRoute(route: PhoneRoute) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.route(route.phoneNumber), entity: 'phoneRoute', ...route } }));
  }
  getContact(phoneNumber: string) {
    return this.get<PhoneContact>(keys.contact(phoneNumber));
  }
  async putContact(contact: PhoneContact) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.contact(contact.phoneNumber), entity: 'phoneContact', ...contact } }));
  }
}
