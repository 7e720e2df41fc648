import { json } from '../shared/responses';

/** Liveness only: nothing to validate, log or trace, so it loads nothing but the answer's shape. */
export const handler = async () => json(200, { status: 'ok' });
