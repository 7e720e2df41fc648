import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '../domain/phone/conversation';
import type { PhoneContact, PhoneRoute, PhoneStore } from '../domain/phone/ports';
import { conditionally, documentClient, entityOf } from './dynamo-table';

const keys = {
  conversation: (id: string) => ({ pk: `CONVERSATION#${id}`, sk: 'META' }),
  route: (phone: string) => ({ pk: `PHONEROUTE#${phone}`, sk: 'META' }),
  contact: (phone: string) => ({ pk: `PHONE#${phone}`, sk: 'META' }),
};

export class DynamoPhoneStore implements PhoneStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    return entityOf<T>((await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item);
  }

  getConversation(id: string) {
    return this.get<Conversation>(keys.conversation(id));
  }

  saveConversation(conversation: Conversation): Promise<boolean> {
    const next = { ...conversation, version: conversation.version + 1 };
    return conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.conversation(conversation.id), entity: 'conversation', ...next },
          ConditionExpression: conversation.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(conversation.version !== 0 && { ExpressionAttributeValues: { ':v': conversation.version } }),
        }),
      ),
    );
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
