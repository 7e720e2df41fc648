import { createApiKey, describeApiKey } from '../domain/people/api-keys';
import { notFound, validationError } from '../domain/kernel/errors';
import { NewApiKeySchema } from '../domain/people/roles';
import { apiKeyStore } from '../shared/dependencies';
import { httpHandler, json, parseBody, pathParam, zodDetails } from '../shared/http';

/**
 * `POST /admin/keys` creates a key (the plain key is in this answer only; the table keeps its hash),
 * `GET /admin/keys` lists them, `DELETE /admin/keys/{keyId}` revokes one at once (the authorizer caches nothing).
 */
export const handler = httpHandler(async (event) => {
  const store = apiKeyStore();
  const method = event.requestContext.http.method;
  if (method === 'GET') {
    const keys = await store.listApiKeys();
    return json(200, { items: keys.map(describeApiKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt)) });
  }
  if (method === 'DELETE') {
    const keyId = pathParam(event, 'keyId');
    const revoked = /^[0-9a-f]{16}$/.test(keyId) ? await store.revokeApiKey(keyId, new Date()) : undefined;
    if (!revoked) throw notFound('API key', 'keyId');
    return json(200, describeApiKey(revoked));
  }
  const parsed = NewApiKeySchema.safeParse(parseBody(event));
  if (!parsed.success) throw validationError('the key is not valid', zodDetails(parsed.error.issues));
  const { key, record } = await createApiKey(store, parsed.data, new Date());
  return json(201, { key, ...describeApiKey(record) });
});
