import * as z from 'zod/mini';
import './zod';

/** `limit` (1–100, default 25) and the opaque `cursor` of every paginated listing. */
export const PageQuerySchema = z.object({
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, 'must be 1–100'))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});

export const DEFAULT_PAGE_SIZE = 25;
