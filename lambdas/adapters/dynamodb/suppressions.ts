import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FatigueSettingsStore, SuppressionStore } from '../../domain/outreach/ports';
import type { FatigueRules } from '../../domain/surveys/survey-schema';
import { keys } from './keys';
import { TableStore } from './table';

/** Suppressions (`SUPPRESS#<keyed hash>`): unsubscribes and bounces. */
export class DynamoSuppressionStore extends TableStore implements SuppressionStore {
  getSuppression(key: string) {
    return this.get<{ key: string; since: string; via: string }>(keys.suppression(key), true);
  }
  async putSuppression(key: string, since: string, via: string) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.suppression(key), entity: 'suppression', key, since, via } }));
  }
  async deleteSuppression(key: string) {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.suppression(key) }));
  }
}

/** The global contact-fatigue rules (`SETTINGS#contact-fatigue`). */
export class DynamoFatigueSettingsStore extends TableStore implements FatigueSettingsStore {
  getFatigueSettings() {
    return this.get<FatigueRules>(keys.fatigueSettings, true);
  }
  async putFatigueSettings(rules: FatigueRules) {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.fatigueSettings, entity: 'settings', ...rules } }));
  }
}
