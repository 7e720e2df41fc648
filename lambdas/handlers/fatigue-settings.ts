import { FatigueRulesSchema } from '../domain/surveys/survey-schema';
import { validationError } from '../domain/kernel/errors';
import { fatigueSettingsStore } from '../shared/dependencies';
import { httpHandler, json, parseBody, zodDetails } from '../shared/http';

/** `GET|PUT /admin/settings/contact-fatigue`: the global contact-fatigue rules (surveys may override them). */
export const handler = httpHandler(async (event) => {
  const store = fatigueSettingsStore();
  if (event.requestContext.http.method === 'GET') return json(200, (await store.getFatigueSettings()) ?? {});
  const parsed = FatigueRulesSchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the contact-fatigue rules are not valid', zodDetails(parsed.error.issues));
  await store.putFatigueSettings(parsed.data);
  return json(200, parsed.data);
});
