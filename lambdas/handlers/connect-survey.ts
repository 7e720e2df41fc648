import { responseEventsWanted } from '../shared/destination-list';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ConnectContactFlowResult } from 'aws-lambda';
import { DomainError } from '../domain/kernel/errors';
import { alertReasons } from '../domain/loop/alerts';
import { parseConnectEvent } from '../domain/intake/connect';
import { scoreResponse } from '../domain/scoring/scoring';
import { recordResponse } from '../domain/intake/submissions';
import { responseStore, surveyStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

/**
 * Amazon Connect "Invoke AWS Lambda function" block, placed after a post-call survey in the contact flow.
 * Parameters: `surveyId` (required), optional `customerId` and `answerPrefix` (default "survey_").
 * Answers come from contact attributes named `<prefix><questionId>` (what "Store customer input" blocks
 * set). Returns a flat string map the flow can branch on: stored, responseId, severity, alert, error.
 * Input that fails validation (see `parseConnectEvent`) is answered with stored=false, never thrown.
 */
export const handler = middy(async (event: unknown): Promise<ConnectContactFlowResult> => {
  const parsed = parseConnectEvent(event);
  if (!parsed.ok) {
    logger.info('Connect survey refused', { error: parsed.error });
    return { stored: 'false', error: parsed.error };
  }
  const { input } = parsed;
  try {
    const { response, survey } = await recordResponse(
      { surveys: surveyStore(), responses: responseStore(), responseEventsWanted },
      {
        surveyId: input.surveyId,
        channel: 'connect',
        answers: input.answers,
        ...(input.customerId && { customerId: input.customerId }),
        ...(input.phone && { contact: { phone: input.phone } }),
        attributes: input.attributes,
        // One response per contact, however often the flow invokes the block.
        idempotencyKey: input.contactId,
        partial: input.partial,
      },
      new Date(),
    );
    const scores = response.scores ?? scoreResponse(survey, response.answers, response.revision);
    return { stored: 'true', responseId: response.id, severity: scores.severity, alert: String(alertReasons(survey, response).length > 0) };
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) {
      logger.info('Connect survey refused', { contactId: input.contactId, code: error.code, details: error.details });
      return { stored: 'false', error: error.details.map((d) => `${d.field}: ${d.message}`).join('; ') || error.message };
    }
    throw error;
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));
