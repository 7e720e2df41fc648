import { loadSurvey } from '../domain/intake/submissions';
import { isWellFormedId } from '../domain/kernel/ids';
import type { SurveyStore } from '../domain/surveys/ports';
import type { Survey } from '../domain/surveys/survey';

/**
 * Surveys change rarely (alert rules), and every answer needs its survey: hot paths (ingest, the stream)
 * read each at most once per {@link SURVEY_TTL_MS} per container. A change is seen at once in the container
 * that made it (it forgets its copy) and within that time everywhere else. Unknown surveys are not cached.
 */
export const SURVEY_TTL_MS = 30_000;
const surveys = new Map<string, { survey: Survey; at: number }>();

export async function cachedSurvey(store: Pick<SurveyStore, 'getSurvey'>, id: string): Promise<Survey | undefined> {
  const hit = surveys.get(id);
  if (hit && Date.now() - hit.at < SURVEY_TTL_MS) return hit.survey;
  const survey = await store.getSurvey(id);
  if (survey) surveys.set(id, { survey, at: Date.now() });
  else surveys.delete(id);
  return survey;
}

/** Like `loadSurvey` (404 naming `surveyId`), from the cache. */
export async function loadCachedSurvey(store: Pick<SurveyStore, 'getSurvey'>, id: string): Promise<Survey> {
  // A malformed id is refused without a lookup, as loadSurvey does.
  return (isWellFormedId(id) && (await cachedSurvey(store, id))) || loadSurvey(store, id);
}

/** Called where a survey changes, so this container never serves its old copy. */
export const forgetSurvey = (id: string) => void surveys.delete(id);
