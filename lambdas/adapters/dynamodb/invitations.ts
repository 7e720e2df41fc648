import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Invitation, InvitationStore } from '../../domain/outreach/ports';
import { keys } from './keys';
import { conditionally, entityOf, TableStore, type Item } from './table';

/** DynamoDB keeps the opened scores as a string set; the domain reads a sorted list. */
const withScoreList = (invitation: Invitation): Invitation =>
  invitation.openedScores ? { ...invitation, openedScores: [...(invitation.openedScores as Iterable<string>)].sort() } : invitation;

/** Invitations (`INVITATION#<id>`): sent once, with what their links and the e-mail provider reported. */
export class DynamoInvitationStore extends TableStore implements InvitationStore {
  putInvitation(invitation: Invitation) {
    return this.putNew({ ...keys.invitation(invitation.id), entity: 'invitation', ...invitation });
  }
  async getInvitation(id: string) {
    const found = await this.get<Invitation>(keys.invitation(id), true);
    return found && withScoreList(found);
  }
  async recordLinkOpened(id: string, score: number | undefined, now: Date): Promise<Invitation | undefined> {
    let attributes: Item | undefined;
    const written = await conditionally(
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.invitation(id),
            UpdateExpression: `SET openedAt = if_not_exists(openedAt, :now) ADD openCount :one${score === undefined ? '' : ', openedScores :score'}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1, ...(score !== undefined && { ':score': new Set([String(score)]) }) },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .then((out) => (attributes = out.Attributes)),
    );
    return written && attributes ? withScoreList(entityOf<Invitation>(attributes) as Invitation) : undefined;
  }
  claimInvitation(id: string, claimant: string, now: Date, leaseMs: number): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'SET claimedUntil = :until, claimedBy = :me',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now OR claimedBy = :me)',
          ExpressionAttributeValues: { ':me': claimant, ':now': now.toISOString(), ':until': new Date(now.getTime() + leaseMs).toISOString() },
        }),
      ),
    );
  }
  async releaseInvitation(id: string, claimant: string) {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'REMOVE claimedUntil, claimedBy',
          ConditionExpression: 'claimedBy = :me',
          ExpressionAttributeValues: { ':me': claimant },
        }),
      ),
    );
  }
  recordInvitationEvent(id: string, event: 'deliveredAt' | 'bouncedAt' | 'complainedAt', at: string): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.invitation(id),
          UpdateExpression: 'SET #event = if_not_exists(#event, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#event': event },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }
  async markInvitationSent(id: string, sentAt: string) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.invitation(id),
        UpdateExpression: 'SET sentAt = :t REMOVE claimedUntil, claimedBy',
        ExpressionAttributeValues: { ':t': sentAt },
      }),
    );
  }
}
