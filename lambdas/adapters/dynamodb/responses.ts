import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CommentAnalysis } from '../../domain/comments/analysis';
import type { AnalysisStore } from '../../domain/comments/ports';
import type { PageRequest, PutOutcome } from '../../domain/kernel/store';
import type { ProfileSnapshot } from '../../domain/people/customers';
import type { ProcessingFailure, ResponseStore } from '../../domain/surveys/ports';
import type { SurveyResponse } from '../../domain/surveys/response';
import type { ResponseScores } from '../../domain/surveys/scores';
import { keys } from './keys';
import { conditionally, TableStore, type Item } from './table';

/**
 * The stored form of a response, with the scores of its revision. One that still owes processing (or carries
 * no scores of its own revision) is pending, on the sparse gsi2 keys, until processing completes for that
 * revision: the sweeper finds what the stream could not finish.
 */
export function responseItem(response: SurveyResponse): Item {
  const listed = { ...keys.response(response.id), entity: 'response', gsi1pk: keys.responsesOf(response.surveyId), gsi1sk: `${response.submittedAt}#${response.id}` };
  const scored = response.scores?.revision === response.revision;
  if (scored && !response.pending) return { ...listed, ...response };
  const { scores, ...rest } = response;
  // When these answers were written (not when the conversation began): the sweeper's age test.
  return { ...listed, gsi2pk: keys.pending(response.id), gsi2sk: `${new Date().toISOString()}#${response.id}`, ...rest, ...(scored && { scores }), pending: true };
}

/** Responses (`RESPONSE#<id>`), listed by survey on gsi1, pending ones on the sparse gsi2. */
export class DynamoResponseStore extends TableStore implements ResponseStore, AnalysisStore {
  putResponse(response: SurveyResponse) {
    return this.putNew(responseItem(response));
  }
  async saveResponseRevision(response: SurveyResponse): Promise<PutOutcome> {
    const written = await conditionally(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: responseItem(response),
          ConditionExpression: 'attribute_not_exists(pk) OR revision < :r',
          ExpressionAttributeValues: { ':r': response.revision },
        }),
      ),
    );
    return written ? 'created' : 'exists';
  }
  getResponse(id: string) {
    return this.get<SurveyResponse>(keys.response(id), true);
  }
  listResponses(surveyId: string, page: PageRequest, keep?: (response: SurveyResponse) => boolean) {
    return this.listByGsi1<SurveyResponse>(keys.responsesOf(surveyId), page, undefined, keep);
  }
  listResponsesSubmitted(surveyId: string, days: { readonly from: string; readonly to: string }, page: PageRequest) {
    // Sorted by `<submittedAt>#<id>`: a day's responses sort between the day and the day followed by U+FFFF.
    return this.listByGsi1<SurveyResponse>(keys.responsesOf(surveyId), page, [days.from, `${days.to}\uffff`]);
  }
  completeProcessing(responseId: string, scores: ResponseScores, profile?: ProfileSnapshot, analysis?: CommentAnalysis): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: `SET scores = :s${profile ? ', profile = :p' : ''}${analysis ? ', analysis = :a' : ''} REMOVE gsi2pk, gsi2sk, processingFailure, pending${analysis ? ', analysisOwed' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND revision = :r',
          ExpressionAttributeValues: { ':s': scores, ':r': scores.revision, ...(profile && { ':p': profile }), ...(analysis && { ':a': analysis }) },
        }),
      ),
    );
  }
  saveAnalysis(responseId: string, analysis: CommentAnalysis): Promise<boolean> {
    return conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: 'SET analysis = :a REMOVE analysisOwed',
          ConditionExpression: 'attribute_exists(pk) AND revision = :r',
          ExpressionAttributeValues: { ':a': analysis, ':r': analysis.revision },
        }),
      ),
    );
  }
  async recordProcessingFailure(responseId: string, revision: number, failure: ProcessingFailure): Promise<void> {
    // Due again at `retryAt` (the sweeper's index is sorted by it), or parked on an index of its own.
    const index = failure.parked ? { ':pk': keys.parked(responseId) } : { ':pk': keys.pending(responseId) };
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: `SET processingFailure = :f${failure.retryAt ? ', gsi2pk = :pk, gsi2sk = :sk' : ''}`,
          ConditionExpression: 'attribute_exists(gsi2pk) AND revision = :r',
          ExpressionAttributeValues: { ':f': failure, ':r': revision, ...(failure.retryAt && { ...index, ':sk': `${failure.retryAt}#${responseId}` }) },
        }),
      ),
    );
  }
  listPendingResponses(writtenBefore: string, limit: number): Promise<string[]> {
    return this.sparseIndexIds('PENDING#', 'RESPONSE#', writtenBefore, limit);
  }
  async holdProcessing(responseId: string, revision: number, until: Date): Promise<void> {
    await conditionally(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.response(responseId),
          UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
          ConditionExpression: 'attribute_exists(gsi2pk) AND revision = :r',
          ExpressionAttributeValues: { ':pk': keys.held(responseId), ':sk': `${until.toISOString()}#${responseId}`, ':r': revision },
        }),
      ),
    );
  }
  listHeldResponses(dueBy: string, limit: number): Promise<string[]> {
    return this.sparseIndexIds('HELD#', 'RESPONSE#', dueBy, limit);
  }
  listParkedResponses(limit: number): Promise<string[]> {
    return this.sparseIndexIds('PARKED#', 'RESPONSE#', '\uffff', limit);
  }
  unparkResponse(responseId: string, now: Date): Promise<void> {
    return this.unpark(keys.response(responseId), 'PARKED#', keys.pending(responseId), now, 'processingFailure');
  }

}
