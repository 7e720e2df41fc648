import * as z from 'zod/mini';
import '../kernel/zod';
import { attributesSchema, externalId, safeKey } from '../kernel/identifier-schemas';

/* What a submission carries besides its answers, as the routes that take one validate it. */

/** Optional fields common to every submission route. */
export const SubmissionMetaSchema = z.object({
  customerId: z.optional(externalId(128)),
  touchpoint: z.optional(z.string().check(z.trim(), z.regex(/^[a-z0-9][a-z0-9-]{0,59}$/))),
  attributes: z.optional(attributesSchema()),
});

export const WebSubmissionSchema = z.catchall(z.extend(SubmissionMetaSchema, {
  surveyId: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  answers: z.record(safeKey(40), z.unknown()),
}), z.never());
