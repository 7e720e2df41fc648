import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DashboardSessions } from '../../domain/people/ports';
import { TableStore } from './table';

/** One item per key that ever signed out (`SESSIONS#<keyHash>`): when its sessions ended. */
export class DynamoDashboardSessions extends TableStore implements DashboardSessions {
  async endSessions(keyHash: string, at: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `SESSIONS#${keyHash}`, sk: 'META', entity: 'dashboardSessions', endedAt: at.toISOString() } }));
  }
  async sessionsEndedAt(keyHash: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `SESSIONS#${keyHash}`, sk: 'META' }, ConsistentRead: true }));
    return out.Item ? String(out.Item.endedAt) : undefined;
  }
}
