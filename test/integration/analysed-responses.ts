import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoResponseStore } from '../../lambdas/adapters/dynamodb/responses';
import type { Sentiment } from '../../lambdas/domain/comments/ports';
import { newId } from '../../lambdas/domain/kernel/ids';
import type { SurveyResponse } from '../../lambdas/domain/surveys/response';

/** A response as if it had been answered, scored and its comment analysed (the analyzer is not part of these tests). */
export interface AnalysedAnswer {
  readonly nps: number;
  readonly comment?: string;
  readonly daysAgo: number;
  readonly sentiment?: Sentiment;
  readonly themes?: readonly string[];
  readonly themeSentiments?: Record<string, Sentiment>;
  readonly matches?: Record<string, string[]>;
  readonly phrases?: readonly string[];
  readonly touchpoint?: string;
}

const DAY_MS = 86_400_000;

/** Stores the responses through the response store, processed and analysed, so the aggregates consumer counts them. */
export async function storeAnalysed(runtime: { readonly dynamodbUrl: string; readonly env: Readonly<Record<string, string>> }, surveyId: string, answers: readonly AnalysedAnswer[], now = new Date()): Promise<SurveyResponse[]> {
  const client = new DynamoDBClient({ endpoint: runtime.dynamodbUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const store = new DynamoResponseStore(runtime.env.TABLE_NAME, client);
  const stored: SurveyResponse[] = [];
  for (const a of answers) {
    // Mid-day, a minute apart, so each lands on its day in every time zone the tests use.
    const submittedAt = new Date(Date.parse(`${new Date(now.getTime() - a.daysAgo * DAY_MS).toISOString().slice(0, 10)}T11:00:00Z`) + stored.length * 60_000).toISOString();
    const category = a.nps >= 9 ? 'promoter' : a.nps >= 7 ? 'passive' : 'detractor';
    const response: SurveyResponse = {
      id: newId(),
      surveyId,
      channel: 'web',
      touchpoint: a.touchpoint ?? 'delivery',
      answers: { nps: a.nps, ...(a.comment && { comment: a.comment }) },
      status: 'complete',
      submittedAt,
      revision: 1,
      scores: { nps: { questionId: 'nps', value: a.nps, category }, ratings: { nps: a.nps }, severity: 'none', revision: 1 },
      ...(a.comment && {
        analysis: {
          revision: 1,
          analyzer: 'builtin',
          taxonomyVersion: 1,
          ...(a.sentiment && { sentiment: a.sentiment, score: a.sentiment === 'negative' ? -0.6 : a.sentiment === 'positive' ? 0.7 : 0 }),
          language: 'en',
          themes: a.themes ?? [],
          themeSentiments: a.themeSentiments ?? Object.fromEntries((a.themes ?? []).flatMap((t) => (a.sentiment ? [[t, a.sentiment]] : []))),
          matches: a.matches ?? {},
          phrases: a.phrases ?? [],
          analyzedAt: submittedAt,
        },
      }),
    };
    const outcome = await store.putResponse(response);
    if (outcome !== 'created') throw new Error(`response ${response.id} was not stored: ${outcome}`);
    stored.push(response);
  }
  return stored;
}
