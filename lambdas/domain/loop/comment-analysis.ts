import { analyzeComment } from '../comments/analyze';
import type { CommentAnalysis } from '../comments/analysis';
import type { AnalysisStore, TextReader } from '../comments/ports';
import { taxonomyOf } from '../comments/themes/taxonomy';
import { commentOf, type SurveyResponse } from '../surveys/response';
import type { ResponseStore } from '../surveys/ports';
import type { Survey } from '../surveys/survey';

/** What reading a response's free text needs: the reader (built in or Comprehend) and where the analysis goes. */
export interface CommentAnalysisDeps {
  readonly reader: TextReader;
  readonly analyses: AnalysisStore;
  readonly now: Date;
}

/** Whether the response's current answers hold free text whose analysis is not stored yet (or is of another taxonomy version). */
export function owesAnalysis(survey: Survey, response: SurveyResponse): boolean {
  if (commentOf(survey, response.answers) === undefined) return false;
  const analysis = response.analysis;
  return analysis?.revision !== response.revision || analysis.taxonomyVersion !== (survey.themeSet?.version ?? 0);
}

/** The analysis of the response's current free text under the survey's taxonomy; undefined when it has none. */
export async function analysisOf(deps: Pick<CommentAnalysisDeps, 'reader' | 'now'>, survey: Survey, response: SurveyResponse): Promise<CommentAnalysis | undefined> {
  const comment = commentOf(survey, response.answers);
  if (comment === undefined) return undefined;
  return analyzeComment(deps.reader, taxonomyOf(survey.themeSet), comment, response.revision, deps.now);
}

/**
 * Reads and stores the analysis of a response whose processing does not wait for it (its rules do not read
 * it). `superseded` when newer answers arrived meanwhile: their own analysis follows.
 */
export async function analyzeResponse(deps: CommentAnalysisDeps, survey: Survey, response: SurveyResponse): Promise<'analyzed' | 'superseded' | 'nothing'> {
  const analysis = await analysisOf(deps, survey, response);
  if (!analysis) return 'nothing';
  return (await deps.analyses.saveAnalysis(response.id, analysis)) ? 'analyzed' : 'superseded';
}

export interface ReanalysisReport {
  readonly read: number;
  readonly analyzed: number;
  readonly superseded: number;
  /** Read the survey on from here (`undefined`: done). */
  readonly nextCursor?: string;
}

/**
 * One page of a survey's responses read again (`cx comments reanalyze`): those whose analysis is missing or
 * of an earlier theme set, or with `all` every one with free text (after the analyzer itself changed). The
 * aggregates follow from the stream's old and new images, like any other change.
 */
export async function reanalyzeComments(
  deps: CommentAnalysisDeps & { readonly responses: Pick<ResponseStore, 'listResponses'> },
  survey: Survey,
  options: { readonly all: boolean; readonly limit: number; readonly cursor?: string },
): Promise<ReanalysisReport> {
  const page = await deps.responses.listResponses(survey.id, { limit: options.limit, ...(options.cursor && { cursor: options.cursor }) });
  let analyzed = 0;
  let superseded = 0;
  for (const response of page.items) {
    if (!(options.all ? commentOf(survey, response.answers) !== undefined : owesAnalysis(survey, response))) continue;
    const outcome = await analyzeResponse(deps, survey, response);
    if (outcome === 'analyzed') analyzed += 1;
    if (outcome === 'superseded') superseded += 1;
  }
  return { read: page.items.length, analyzed, superseded, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
}
