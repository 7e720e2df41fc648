import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRuleSet } from '../../domain/surveys/alert-rules';
import type { SurveyStore } from '../../domain/surveys/ports';
import type { Survey } from '../../domain/surveys/survey';
import { keys } from './keys';
import { TableStore } from './table';

/** Surveys (`SURVEY#<id>` / `META`) and every version of their alert rules (`RULES#<version>`). */
export class DynamoSurveyStore extends TableStore implements SurveyStore {
  async saveAlertRules(set: AlertRuleSet, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.survey(set.surveyId),
                UpdateExpression: 'SET alertRules = :set',
                ConditionExpression: 'attribute_exists(pk) AND ((attribute_not_exists(alertRules) AND :v = :zero) OR alertRules.version = :v)',
                ExpressionAttributeValues: { ':set': set, ':v': expectedVersion, ':zero': 0 },
              },
            },
            // Every version is kept, so a change can be traced and compared.
            { Put: { TableName: this.tableName, Item: { ...keys.alertRules(set.surveyId, set.version), entity: 'alertRules', ...set }, ConditionExpression: 'attribute_not_exists(pk)' } },
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
    return this.putNew({ ...keys.survey(survey.id), entity: 'survey', ...survey });
  }
  getSurvey(id: string) {
    return this.get<Survey>(keys.survey(id));
  }
}
