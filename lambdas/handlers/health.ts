import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async () => json(200, { status: 'ok' }));
