import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { authorize, createApiKey, generateApiKey, hashApiKey, keyIdOf } from '../lambdas/domain/people/api-keys';
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

/** What the seed writes: the demo survey and its history, the admin key, the demo phone number. */
export interface SeedStores {
  readonly surveys: SurveyStore;
  readonly responses: ResponseStore;
  readonly apiKeys: ApiKeyStore;
}

/**
 * Seeds the demo survey once (a restart keeps it) and the local admin key (see {@link localAdminKey}).
 * `adminKeyFile`: where a generated key is kept for restarts (in the data directory; none in memory).
 */
export async function seed(stores: SeedStores, options: { ownerEmail: string; adminKey?: string; adminKeyFile?: string; seedDemo: boolean; demoHistory?: boolean; phones: PhoneStore }) {
  const now = new Date();
  if (options.seedDemo) {
    const survey = createSurvey(SurveyInputSchema.parse(demoSurvey(options.ownerEmail)), DEMO_SURVEY_ID, now);
    await stores.surveys.putSurvey(survey);
    await options.phones.putRoute({ phoneNumber: DEMO_PHONE_NUMBER, surveyId: DEMO_SURVEY_ID });
    if (options.demoHistory) await seedHistory(stores.responses, (await stores.surveys.getSurvey(DEMO_SURVEY_ID)) ?? survey, now);
  }
  const admin = await localAdminKey(stores.apiKeys, now, { given: options.adminKey, keyFile: options.adminKeyFile });
  return { adminKey: admin.key, adminKeySource: admin.source };
}

/** The name of the local runtime's own admin key. */
export const LOCAL_ADMIN_KEY_NAME = 'local-admin';

/** Where the local admin key came from: SURVEY_ADMIN_KEY, the data directory (an earlier run), or made now. */
export type AdminKeySource = 'setting' | 'kept' | 'generated';

/**
 * The local admin key, one per data directory: SURVEY_ADMIN_KEY when set; else the key an earlier run kept in
 * `keyFile` while it is still usable; else a new one, kept there (owner-only) for the next run. Every other
 * "local-admin" key is revoked, so however often the runtime restarts, one usable local admin key remains.
 */
export async function localAdminKey(store: ApiKeyStore, now: Date, options: { given?: string; keyFile?: string }): Promise<{ key: string; source: AdminKeySource }> {
  let key = options.given;
  let source: AdminKeySource = 'setting';
  if (!key && options.keyFile) {
    const kept = readKeptKey(options.keyFile);
    // A kept key that was revoked (or whose table is gone) is not reused.
    if (kept && typeof (await authorize(store, kept)) !== 'string') [key, source] = [kept, 'kept'];
  }
  if (!key) [key, source] = [generateApiKey(), 'generated'];
  await createApiKey(store, LOCAL_ADMIN_KEY_NAME, now, key);
  // A given key the authorizer refuses (too short, or revoked in this data directory) must not leave no admin key at all.
  if (typeof (await authorize(store, key)) === 'string') throw new Error('SURVEY_ADMIN_KEY is refused by the authorizer (16–200 characters, not revoked): set another key, or unset it to use a generated one');
  if (source === 'generated' && options.keyFile) {
    mkdirSync(dirname(options.keyFile), { recursive: true });
    writeFileSync(options.keyFile, `${key}\n`, { mode: 0o600 });
  }
  const keyId = keyIdOf(hashApiKey(key));
  const stale = (await store.listApiKeys()).map((k) => ({ ...k, keyId: k.keyId ?? keyIdOf(k.keyHash) })).filter((k) => k.name === LOCAL_ADMIN_KEY_NAME && !k.revokedAt && k.keyId !== keyId);
  for (const k of stale) await store.revokeApiKey(k.keyId, now);
  return { key, source };
}

function readKeptKey(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Loads the demo history once: a restart finds its first answer and leaves it as it is. */
async function seedHistory(store: ResponseStore, survey: Parameters<typeof demoHistory>[0], now: Date) {
  const history = await demoHistory(survey, now);
  if (await store.getResponse(history[0].id)) return;
  for (let i = 0; i < history.length; i += 25) await Promise.all(history.slice(i, i + 25).map((r) => store.putResponse(r)));
}
