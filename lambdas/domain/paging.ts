import * as z from 'zod';

/** `limit` (1–100, default 25) and the opaque `cursor` of every paginated listing. */
export const PageQuerySchema = z.object({
  limit: z.string().regex(/^(100|[1-9][0-9]?)$/, 'must be 1–100').optional(),
  cursor: z.string().min(1).max(4096).optional(),
});

export const DEFAULT_PAGE_SIZE = 25;
