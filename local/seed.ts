import { createApiKey } from '../lambdas/domain/people/api-keys';
import type { ApiKeyStore } from '../lambdas/domain/people/ports';
import type { ResponseStore, SurveyStore } from '../lambdas/domain/surveys/ports';
import type { PhoneStore } from '../lambdas/domain/outreach/phone/ports';
import { createSurvey } from '../lambdas/domain/surveys/survey';
import { SurveyInputSchema, type SurveyInput } from '../lambdas/domain/surveys/survey-schema';
import { demoHistory } from './demo-history';

export const DEMO_SURVEY_ID = 'demo';
/** Twilio's magic test number; locally, calls and texts to it run the demo survey. */
export const DEMO_PHONE_NUMBER = '+15005550006';

export const demoSurvey = (ownerEmail: string): SurveyInput => ({
  name: 'How was your delivery?',
  touchpoint: 'delivery',
  ownerEmail,
  intro: 'This takes less than a minute.',
  questions: [
    { id: 'nps', type: 'nps', text: 'How likely are you to recommend us to a friend or colleague?', required: true },
    { id: 'csat', type: 'csat', text: 'How satisfied are you with the delivery?' },
    { id: 'comment', type: 'text', text: 'What is the main reason for your score?' },
  ],
  alert: { npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5 },
});

/** Seeds the demo survey once (a restart keeps it) and an admin key for this run. */
/** What the seed writes: the demo survey and its history, the admin key, the demo phone number. */
export interface SeedStores {
  readonly surveys: SurveyStore;
  readonly responses: ResponseStore;
  readonly apiKeys: ApiKeyStore;
}

export async function seed(stores: SeedStores, options: { ownerEmail: string; adminKey?: string; seedDemo: boolean; demoHistory?: boolean; phones: PhoneStore }) {
  const now = new Date();
  if (options.seedDemo) {
    const survey = createSurvey(SurveyInputSchema.parse(demoSurvey(options.ownerEmail)), DEMO_SURVEY_ID, now);
    await stores.surveys.putSurvey(survey);
    await options.phones.putRoute({ phoneNumber: DEMO_PHONE_NUMBER, surveyId: DEMO_SURVEY_ID });
    if (options.demoHistory) await seedHistory(stores.responses, (await stores.surveys.getSurvey(DEMO_SURVEY_ID)) ?? survey, now);
  }
  const { key } = await createApiKey(stores.apiKeys, 'local-admin', now, options.adminKey);
  return { adminKey: key };
}

/** Loads the demo history once: a restart finds its first answer and leaves it as it is. */
async function seedHistory(store: ResponseStore, survey: Parameters<typeof demoHistory>[0], now: Date) {
  const history = demoHistory(survey, now);
  if (await store.getResponse(history[0].id)) return;
  for (let i = 0; i < history.length; i += 25) await Promise.all(history.slice(i, i + 25).map((r) => store.putResponse(r)));
}
