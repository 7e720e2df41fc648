import * as z from 'zod';

/** The body of `PUT /admin/phone-numbers/{phoneNumber}`: the survey calls and texts to that number run. */
export const PhoneRouteSchema = z.object({ surveyId: z.string().trim().min(1).max(64) }).strict();
