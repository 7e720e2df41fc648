import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageRequest } from '../../domain/kernel/store';
import type { ThemeSet } from '../../domain/comments/themes/taxonomy';
import type { ThemeSetStore } from '../../domain/comments/ports';
import type { AlertRuleSet } from '../../domain/surveys/alert-rules';
import type { SurveyStore } from '../../domain/surveys/ports';
import type { Survey, SurveyStatus } from '../../domain/surveys/survey';
import { EDITABLE_FIELDS } from '../../domain/surveys/survey-edit';
import { keys } from './keys';
import { conditionally, entityOf, TableStore, type Item } from './table';

/** The listing key of a survey: every survey in one gsi1 partition, newest first (a few hundred items at most). */
const listed = (survey: Pick<Survey, 'id' | 'createdAt'>) => ({ gsi1pk: keys.surveys, gsi1sk: `${survey.createdAt}#${survey.id}` });

/**
 * Surveys (`SURVEY#<id>` / `META`, listed on gsi1 in `SURVEYS`) and every version of their alert rules
 * (`RULES#<version>`) and theme sets (`THEMES#<version>`). Surveys stored before the listing existed get their listing key from any edit or status
 * change, or all at once from `cx surveys reindex` ({@link reindexSurveys}).
 */
export class DynamoSurveyStore extends TableStore implements SurveyStore, ThemeSetStore {
  saveAlertRules(set: AlertRuleSet, expectedVersion: number): Promise<boolean> {
    return this.saveVersioned('alertRules', keys.alertRules(set.surveyId, set.version), set, expectedVersion);
  }
  saveThemeSet(set: ThemeSet, expectedVersion: number): Promise<boolean> {
    return this.saveVersioned('themeSet', keys.themeSet(set.surveyId, set.version), set, expectedVersion);
  }
  getThemeSet(surveyId: string, version: number) {
    return this.get<ThemeSet>(keys.themeSet(surveyId, version), true);
  }
  /** A survey setting kept on the survey (read with it) and, every version, in its own item so a change can be traced. */
  private async saveVersioned(attribute: 'alertRules' | 'themeSet', history: Item, set: { readonly surveyId: string; readonly version: number }, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.survey(set.surveyId),
                UpdateExpression: 'SET #a = :set',
                ConditionExpression: 'attribute_exists(pk) AND ((attribute_not_exists(#a) AND :v = :zero) OR #a.version = :v)',
                ExpressionAttributeNames: { '#a': attribute },
                ExpressionAttributeValues: { ':set': set, ':v': expectedVersion, ':zero': 0 },
              },
            },
            { Put: { TableName: this.tableName, Item: { ...history, entity: attribute, ...set }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw error;
    }
  }
  getAlertRules(surveyId: string, version: number) {
    return this.get<AlertRuleSet>(keys.alertRules(surveyId, version), true);
  }
  putSurvey(survey: Survey) {
    return this.putNew({ ...keys.survey(survey.id), entity: 'survey', ...listed(survey), ...survey });
  }
  async replaceDefinition(survey: Survey, expectedVersion: number): Promise<boolean> {
    const fields: Record<string, unknown> = { ...Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, survey[f]])), version: survey.version, updatedAt: survey.updatedAt, ...listed(survey) };
    const set = Object.entries(fields).filter(([, v]) => v !== undefined);
    const remove = Object.entries(fields).filter(([, v]) => v === undefined);
    const names = Object.fromEntries(Object.keys(fields).map((f, i) => [`#f${i}`, f]));
    const name = (field: string) => `#f${Object.keys(fields).indexOf(field)}`;
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.survey(survey.id),
          UpdateExpression: `SET ${set.map(([f]) => `${name(f)} = :${name(f).slice(1)}`).join(', ')}${remove.length ? ` REMOVE ${remove.map(([f]) => name(f)).join(', ')}` : ''}`,
          // Only from the version the caller read: of two edits from one version, one wins and the other is told.
          ConditionExpression: 'attribute_exists(pk) AND (#version = :expected OR (attribute_not_exists(#version) AND :expected = :zero))',
          ExpressionAttributeNames: { ...names, '#version': 'version' },
          ExpressionAttributeValues: { ...Object.fromEntries(set.map(([f, v]) => [`:${name(f).slice(1)}`, v])), ':expected': expectedVersion, ':zero': 0 },
        }),
      ),
    );
  }
  async setStatus(id: string, status: SurveyStatus, now: Date): Promise<Survey | undefined> {
    const current = await this.get<Survey>(keys.survey(id), true);
    if (!current) return undefined;
    const archiving = status === 'archived';
    const out = await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.survey(id),
          // Archiving again keeps the first archivedAt: the call is idempotent.
          UpdateExpression: `SET #status = :status, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${archiving ? ', archivedAt = if_not_exists(archivedAt, :now)' : ' REMOVE archivedAt'}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':gsi1pk': listed(current).gsi1pk, ':gsi1sk': listed(current).gsi1sk, ...(archiving && { ':now': now.toISOString() }) },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return undefined;
        throw error;
      });
    return out?.Attributes ? entityOf<Survey>(out.Attributes) : undefined;
  }
  listSurveys(page: PageRequest, keep?: (survey: Survey) => boolean) {
    return this.listByGsi1<Survey>(keys.surveys, page, undefined, keep);
  }
  getSurvey(id: string) {
    return this.get<Survey>(keys.survey(id));
  }
}

/**
 * Operators only (`cx surveys reindex`, with their own credentials): gives every survey stored before the
 * listing existed its listing key. A Scan of the table, filtered to unlisted surveys: run once after upgrading;
 * no handler is granted Scan. Returns how many surveys were listed now.
 */
export async function reindexSurveys(doc: DynamoDBDocumentClient, tableName: string): Promise<{ scanned: number; listed: number }> {
  let start: Item | undefined;
  let scanned = 0;
  let count = 0;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :survey AND sk = :meta AND attribute_not_exists(gsi1pk)',
        ExpressionAttributeValues: { ':survey': 'survey', ':meta': 'META' },
        ProjectionExpression: 'pk, sk, id, createdAt',
        ExclusiveStartKey: start,
      }),
    );
    scanned += out.ScannedCount ?? 0;
    for (const item of out.Items ?? []) {
      const survey = { id: String(item.id), createdAt: String(item.createdAt) };
      const written = await conditionally(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET gsi1pk = :gsi1pk, gsi1sk = :gsi1sk',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi1pk)',
            ExpressionAttributeValues: { ':gsi1pk': listed(survey).gsi1pk, ':gsi1sk': listed(survey).gsi1sk },
          }),
        ),
      );
      if (written) count += 1;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { scanned, listed: count };
}
