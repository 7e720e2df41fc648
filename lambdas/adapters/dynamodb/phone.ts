import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SurveyResponse } from '../../domain/surveys/response';
import { responseItem } from './responses';
import type { Conversation } from '../../domain/outreach/phone/conversation';
import type { PhoneContact, PhoneRoute, PhoneStore } from '../../domain/outreach/phone/ports';
import { conditionally, documentClient, entityOf } from './table';

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

  /** The conditional put of the next version of a conversation. */
  private conversationPut(conversation: Conversation) {
    const next = { ...conversation, version: conversation.version + 1 };
    return {
      TableName: this.tableName,
      Item: { ...keys.conversation(conversation.id), entity: 'conversation', ...next },
      ConditionExpression: conversation.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(conversation.version !== 0 && { ExpressionAttributeValues: { ':v': conversation.version } }),
    };
  }

  saveConversation(conversation: Conversation): Promise<boolean> {
    return conditionally(this.doc.send(new PutCommand(this.conversationPut(conversation))));
  }

  async saveTurn(conversation: Conversation, response?: SurveyResponse): Promise<boolean> {
    if (!response) return this.saveConversation(conversation);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: this.conversationPut(conversation) },
            {
              Put: {
                TableName: this.tableName,
                Item: responseItem(response),
                ConditionExpression: 'attribute_not_exists(pk) OR revision < :r',
                ExpressionAttributeValues: { ':r': response.revision },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // A failed condition (another delivery of this step won) cancels both writes; anything else is a fault.
      if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }

  claimInvitation(conversationId: string, responseKey: string, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.conversation(conversationId),
          UpdateExpression: 'SET invitationClaimedUntil = :until, invitationClaimedBy = :me',
          ConditionExpression:
            'responseKey = :rk AND attribute_not_exists(invitationSentAt) AND (attribute_not_exists(invitationClaimedUntil) OR invitationClaimedUntil < :now OR invitationClaimedBy = :me)',
          ExpressionAttributeValues: { ':rk': responseKey, ':me': claimant, ':now': now.toISOString(), ':until': new Date(now.getTime() + leaseMs).toISOString() },
        }),
      ),
    );
  }

  async releaseInvitation(conversationId: string, claimant: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.conversation(conversationId),
          UpdateExpression: 'REMOVE invitationClaimedUntil, invitationClaimedBy',
          ConditionExpression: 'invitationClaimedBy = :me',
          ExpressionAttributeValues: { ':me': claimant },
        }),
      ),
    );
  }

  async markInvitationSent(conversationId: string, responseKey: string, sentAt: string, messageId: string): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.conversation(conversationId),
          UpdateExpression: 'SET invitationSentAt = :at, invitationMessageId = :m REMOVE invitationClaimedUntil, invitationClaimedBy',
          ConditionExpression: 'responseKey = :rk',
          ExpressionAttributeValues: { ':rk': responseKey, ':at': sentAt, ':m': messageId },
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
  async linkCustomer(phoneNumber: string, customerId: string) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.contact(phoneNumber),
        UpdateExpression: 'SET entity = :e, phoneNumber = :n, customerId = :c',
        ExpressionAttributeValues: { ':e': 'phoneContact', ':n': phoneNumber, ':c': customerId },
      }),
    );
  }
  async putContact(contact: PhoneContact) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.contact(contact.phoneNumber), entity: 'phoneContact', ...contact } }));
  }
}
