import * as z from 'zod/mini';
import '../../kernel/zod';

/** The body of `PUT /admin/phone-numbers/{phoneNumber}`: the survey calls and texts to that number run. */
export const PhoneRouteSchema = z.strictObject({ surveyId: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)) });
