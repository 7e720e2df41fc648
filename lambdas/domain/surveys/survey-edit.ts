import { DomainError, notFound, validationError, type ErrorDetail } from '../kernel/errors';
import type { ResponseStore, SurveyStore } from './ports';
import { surveyVersion, type Survey } from './survey';
import type { Question, SurveyInputSchema } from './survey-schema';
import type * as z from 'zod/mini';

/*
 * Editing a survey's definition (`PUT /admin/surveys/{id}` with If-Match): what may change once answers exist.
 * Pure: the handler reads the survey and whether it has any response, and stores the result conditionally.
 */

/** The fields a `PUT` replaces; id, createdAt, status, alert rules and the version are the store's. */
export const EDITABLE_FIELDS = ['name', 'touchpoint', 'ownerEmail', 'questions', 'alert', 'fatigue', 'retentionDays', 'intro', 'thankYou', 'timeZone', 'language'] as const;

/** `If-Match` as the version number it names (`3` or `"3"`; a weak `W/"3"` never matches, RFC 9110); a missing one is a 428, a malformed one a 400. */
export function expectedVersionOf(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new DomainError(428, 'precondition_required', 'send If-Match with the version you read (GET answers it as the ETag)', [{ field: 'If-Match', message: 'is required' }]);
  }
  const raw = ifMatch.trim().replace(/"/g, '');
  const version = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(version)) throw validationError('If-Match must be the version number of the survey you read', [{ field: 'If-Match', message: 'not a version' }]);
  return version;
}

/** 412: the survey changed since the caller read it. */
export const staleVersion = (expected: number, current: number) =>
  new DomainError(412, 'version_mismatch', `the survey is at version ${current}, not ${expected}: read it again and re-apply your change`, [
    { field: 'If-Match', message: `current version is ${current}` },
  ]);

export interface SurveyEdit {
  readonly survey: Survey;
  /** Questions the edit left out that were kept, hidden, because the survey has responses. */
  readonly hidden: readonly string[];
  /** Questions the edit left out that were removed (no responses yet). */
  readonly removed: readonly string[];
}

/**
 * Applies a new definition to the stored survey, checked against `expectedVersion`:
 * - a question keeps its type (refused with 400 naming `questions.<i>.type`); once the survey has responses, a
 *   rating question keeps its scale and a choice question its options (labels may change, options be added);
 * - a question left out is removed while the survey has no response, and kept hidden once it has any
 *   (`answered`), so reports still find it; a hidden question sent again with `hidden: false` is asked again.
 */
export function editSurvey(current: Survey, input: z.infer<typeof SurveyInputSchema>, expectedVersion: number, answered: boolean, now: Date): SurveyEdit {
  if (surveyVersion(current) !== expectedVersion) throw staleVersion(expectedVersion, surveyVersion(current));
  const before = new Map(current.questions.map((q) => [q.id, q]));
  const details: ErrorDetail[] = [];
  input.questions.forEach((q, i) => {
    const old = before.get(q.id);
    if (old && old.type !== q.type) details.push({ field: `questions.${i}.type`, message: `question "${q.id}" is a ${old.type} question; a type never changes (add a question with a new id instead)` });
    else if (old && answered) {
      // Answers already given must keep their meaning: the same rating scale, every option still there.
      if (q.type === 'rating' && (q.scale ?? 5) !== (old.scale ?? 5)) details.push({ field: `questions.${i}.scale`, message: `question "${q.id}" has answers on a 1–${old.scale ?? 5} scale; its scale no longer changes` });
      const gone = (old.options ?? []).filter((o) => !(q.options ?? []).some((n) => n.id === o.id)).map((o) => o.id);
      if (gone.length) details.push({ field: `questions.${i}.options`, message: `question "${q.id}" has answers: options ${gone.join(', ')} stay (relabel them, or add new ones)` });
    }
  });
  if (details.length) throw validationError('a question cannot change what its answers mean', details);
  const kept = new Set(input.questions.map((q) => q.id));
  const left = current.questions.filter((q) => !kept.has(q.id));
  const stillHidden: Question[] = answered ? left.map((q) => ({ ...q, hidden: true, required: false })) : [];
  const { questions: _q, ...rest } = input;
  const definition = Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, undefined]));
  const survey: Survey = {
    ...current,
    ...definition,
    ...rest,
    questions: [...input.questions, ...stillHidden],
    version: surveyVersion(current) + 1,
    updatedAt: now.toISOString(),
  };
  // Drop the optional fields the new definition leaves out, so the stored survey is exactly what was sent.
  for (const key of Object.keys(survey) as (keyof Survey)[]) if (survey[key] === undefined) delete (survey as Partial<Survey>)[key];
  return { survey, hidden: stillHidden.map((q) => q.id), removed: answered ? [] : left.map((q) => q.id) };
}

export interface SurveyEditDeps {
  readonly surveys: Pick<SurveyStore, 'getSurvey' | 'replaceDefinition'>;
  readonly responses: Pick<ResponseStore, 'listResponses'>;
}

/**
 * `PUT /admin/surveys/{id}`: the stored survey, edited under {@link editSurvey}, written only while it is still
 * at `expectedVersion` (of two edits from one version, one wins; the other gets the 412). "Answered" is simple:
 * the survey has any stored response, scored or not.
 */
export async function updateSurvey(deps: SurveyEditDeps, id: string, input: z.infer<typeof SurveyInputSchema>, expectedVersion: number, now: Date): Promise<SurveyEdit> {
  const current = await deps.surveys.getSurvey(id);
  if (!current) throw notFound('Survey', 'surveyId');
  const answered = (await deps.responses.listResponses(id, { limit: 1 })).items.length > 0;
  const edit = editSurvey(current, input, expectedVersion, answered, now);
  if (await deps.surveys.replaceDefinition(edit.survey, expectedVersion)) return edit;
  const latest = await deps.surveys.getSurvey(id);
  if (!latest) throw notFound('Survey', 'surveyId');
  throw staleVersion(expectedVersion, surveyVersion(latest));
}
