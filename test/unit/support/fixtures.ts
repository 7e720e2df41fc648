import type { SurveyResponse } from '../../../lambdas/domain/surveys/response';
import { createSurvey, type Survey } from '../../../lambdas/domain/surveys/survey';
import { SurveyInputSchema, type SurveyInput } from '../../../lambdas/domain/surveys/survey-schema';

export const NOW = new Date('2026-11-24T12:00:00Z');

export function survey(overrides: Partial<SurveyInput> = {}, id = 'srv1'): Survey {
  return createSurvey(
    SurveyInputSchema.parse({
      name: 'Delivery check',
      touchpoint: 'delivery',
      ownerEmail: 'lead@example.com',
      questions: [
        { id: 'nps', type: 'nps', text: 'Recommend us?', required: true },
        { id: 'csat', type: 'csat', text: 'Satisfied?' },
        { id: 'effort', type: 'ces', text: 'Easy?' },
        { id: 'comment', type: 'text', text: 'Why?' },
      ],
      ...overrides,
    }),
    id,
    NOW,
  );
}

export function response(answers: SurveyResponse['answers'], overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  return {
    id: 'resp1',
    surveyId: 'srv1',
    channel: 'web',
    touchpoint: 'delivery',
    customerId: 'cust-1',
    answers,
    status: 'complete',
    submittedAt: NOW.toISOString(),
    revision: 1,
    ...overrides,
  };
}
