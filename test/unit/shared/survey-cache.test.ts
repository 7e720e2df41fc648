import { cachedSurvey, forgetSurvey, loadCachedSurvey, SURVEY_TTL_MS } from '../../../lambdas/shared/survey-cache';
import { MemoryStore } from '../support/memory-store';
import { survey } from '../support/fixtures';

describe('the survey cache of hot paths', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads a survey once per TTL, forgets it on change, and never caches a miss', async () => {
    const store = new MemoryStore();
    const reads = jest.spyOn(store, 'getSurvey');
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    expect(await cachedSurvey(store, 'cache-1')).toBeUndefined();
    await store.putSurvey(survey({}, 'cache-1'));
    expect(await cachedSurvey(store, 'cache-1')).toMatchObject({ id: 'cache-1' });
    await cachedSurvey(store, 'cache-1');
    expect(reads).toHaveBeenCalledTimes(2);
    now.mockReturnValue(1_000_000 + SURVEY_TTL_MS);
    await cachedSurvey(store, 'cache-1');
    expect(reads).toHaveBeenCalledTimes(3);
    forgetSurvey('cache-1');
    await cachedSurvey(store, 'cache-1');
    expect(reads).toHaveBeenCalledTimes(4);
  });

  it('answers 404 naming surveyId for an unknown or malformed id, without looking a malformed one up', async () => {
    const store = new MemoryStore();
    const reads = jest.spyOn(store, 'getSurvey');
    await expect(loadCachedSurvey(store, 'a#b')).rejects.toMatchObject({ status: 404, details: [{ field: 'surveyId' }] });
    expect(reads).not.toHaveBeenCalled();
    await expect(loadCachedSurvey(store, 'missing')).rejects.toMatchObject({ status: 404 });
  });
});
