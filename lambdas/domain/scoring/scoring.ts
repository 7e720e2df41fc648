import { commentOf } from '../surveys/response';
import type { Answers, SurveyResponse } from '../surveys/response';
import { SEVERITIES, type CesBand, type CsatBand, type LoyaltySegment, type NpsCategory, type ResponseScores, type Severity } from '../surveys/scores';
import { numericRange, type Survey } from '../surveys/survey';
import type { Question } from '../surveys/survey-schema';
import type { LoyaltyDimension } from '../surveys/scores';

/** On the 0–100 scale of the loyalty dimensions: 70 is a 7 of 0–10, a 3.8 of 1–5. */
export const LOYALTY_FAVOURABLE = 70;

/**
 * The loyalty matrix: attitude is the mean of *recommend* and *repurchase* (those answered), behaviour is
 * *retention* (reluctance to switch). Both at least {@link LOYALTY_FAVOURABLE}: loyal; a good attitude but
 * ready to switch: accessible (competitors can take them); staying without a good attitude: trapped (they
 * leave when the barrier falls); neither: at risk. Undefined unless retention and one attitude dimension are answered.
 */
export function loyaltySegment(loyalty: Partial<Record<LoyaltyDimension, number>>): LoyaltySegment | undefined {
  const attitude = [loyalty.recommend, loyalty.repurchase].filter((v): v is number => v !== undefined);
  if (loyalty.retention === undefined || attitude.length === 0) return undefined;
  const favourable = attitude.reduce((a, b) => a + b, 0) / attitude.length >= LOYALTY_FAVOURABLE;
  const staying = loyalty.retention >= LOYALTY_FAVOURABLE;
  return favourable ? (staying ? 'loyal' : 'accessible') : staying ? 'trapped' : 'at-risk';
}

export const npsCategory = (v: number): NpsCategory => (v >= 9 ? 'promoter' : v >= 7 ? 'passive' : 'detractor');
export const csatBand = (v: number): CsatBand => (v >= 4 ? 'satisfied' : v === 3 ? 'neutral' : 'dissatisfied');
export const cesBand = (v: number): CesBand => (v <= 3 ? 'low-effort' : v === 4 ? 'neutral' : 'high-effort');

const npsSeverity = (v: number): Severity => (v <= 2 ? 'critical' : v <= 4 ? 'high' : v <= 6 ? 'medium' : v <= 8 ? 'low' : 'none');
const csatSeverity = (v: number): Severity => (v === 1 ? 'critical' : v === 2 ? 'high' : v === 3 ? 'low' : 'none');
const cesSeverity = (v: number): Severity => (v === 7 ? 'critical' : v === 6 ? 'high' : v === 5 ? 'medium' : v === 4 ? 'low' : 'none');

export const worstSeverity = (severities: readonly Severity[]): Severity =>
  severities.reduce<Severity>((worst, s) => (SEVERITIES.indexOf(s) < SEVERITIES.indexOf(worst) ? s : worst), 'none');

/** A scored answer on 0–100, where 100 is the best a customer can say. */
function normalized(q: Question, value: unknown): number | undefined {
  if (q.type === 'yesno') return typeof value === 'boolean' ? (value ? 100 : 0) : undefined;
  const range = numericRange(q);
  if (!range || typeof value !== 'number') return undefined;
  const share = (value - range.min) / (range.max - range.min);
  // Effort: a low score is the good one.
  return Math.round((q.type === 'ces' ? 1 - share : share) * 1000) / 10;
}

function firstAnswered(survey: Pick<Survey, 'questions'>, answers: Answers, type: Question['type']) {
  const q = survey.questions.find((x) => x.type === type && typeof answers[x.id] === 'number');
  return q ? { questionId: q.id, value: answers[q.id] as number } : undefined;
}

/** Scores of one response: categories, bands, loyalty index and overall severity. Pure. */
export function scoreResponse(survey: Pick<Survey, 'questions'>, answers: Answers, revision: number): ResponseScores {
  const nps = firstAnswered(survey, answers, 'nps');
  const csat = firstAnswered(survey, answers, 'csat');
  const ces = firstAnswered(survey, answers, 'ces');

  const loyalty: Partial<Record<LoyaltyDimension, number>> = {};
  for (const q of survey.questions) {
    // An NPS question measures "recommend" unless another question claims it.
    const dimension = q.dimension ?? (q.type === 'nps' ? 'recommend' : undefined);
    const value = normalized(q, answers[q.id]);
    if (dimension && value !== undefined && loyalty[dimension] === undefined) loyalty[dimension] = value;
  }
  const ratings: Record<string, number> = {};
  for (const q of survey.questions) if (numericRange(q) && typeof answers[q.id] === 'number') ratings[q.id] = answers[q.id] as number;
  const segment = loyaltySegment(loyalty);
  const parts = Object.values(loyalty);
  const loyaltyIndex = parts.length ? Math.round((parts.reduce((a, b) => a + b, 0) / parts.length) * 10) / 10 : undefined;

  const severity = worstSeverity([
    ...(survey.questions.filter((q) => q.type === 'nps' && typeof answers[q.id] === 'number').map((q) => npsSeverity(answers[q.id] as number))),
    ...(survey.questions.filter((q) => q.type === 'csat' && typeof answers[q.id] === 'number').map((q) => csatSeverity(answers[q.id] as number))),
    ...(survey.questions.filter((q) => q.type === 'ces' && typeof answers[q.id] === 'number').map((q) => cesSeverity(answers[q.id] as number))),
  ]);

  return {
    ...(nps && { nps: { ...nps, category: npsCategory(nps.value) } }),
    ...(csat && { csat: { ...csat, band: csatBand(csat.value) } }),
    ...(ces && { ces: { ...ces, band: cesBand(ces.value) } }),
    ...(loyaltyIndex !== undefined && { loyaltyIndex, loyalty }),
    ...(segment && { loyaltySegment: segment }),
    ...(Object.keys(ratings).length > 0 && { ratings }),
    severity,
    revision,
  };
}

/**
 * A response as it is written: with the scores of its own answers, so the aggregates count it the moment it is
 * stored whatever becomes of its notifications; `pending` while processing (profile, case, notifications,
 * contact history) is still owed for this revision.
 */
export function withScores(survey: Pick<Survey, 'questions'>, response: SurveyResponse, pending: boolean): SurveyResponse & { scores: ResponseScores } {
  const { pending: _previous, analysisOwed: _owed, ...rest } = response;
  // Free text is read after it is stored (off the ingest path): the mark brings the response to that step.
  const owed = commentOf(survey, response.answers) !== undefined;
  return { ...rest, scores: scoreResponse(survey, response.answers, response.revision), ...(pending && { pending: true }), ...(owed && { analysisOwed: true }) };
}
