import { publicUrl } from '../shared/config';
import { httpHandler, json } from '../shared/http';
import { openApiDocument } from '../shared/openapi';

let document: ReturnType<typeof openApiDocument> | undefined;

/** `GET /openapi.json`: the OpenAPI 3.1 document, built once per container from the routes and their zod schemas. */
export const handler = httpHandler(async () => {
  document ??= openApiDocument(publicUrl());
  return json(200, document, { 'cache-control': 'public, max-age=300' });
});
