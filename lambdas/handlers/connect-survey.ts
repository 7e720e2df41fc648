import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ConnectContactFlowEvent, ConnectContactFlowResult } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { alertReasons } from '../domain/alerts';
import { scoreResponse } from '../domain/scoring';
import { recordResponse } from '../domain/submissions';
import { feedbackStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

/**
 * Amazon Connect "Invoke AWS Lambda function" block, placed after a post-call survey in the contact flow.
 * Parameters: `surveyId` (required), optional `customerId` and `answerPrefix` (default "survey_").
 * Answers come from contact attributes named `<prefix><questionId>` (what "Store customer input" blocks
 * set). Returns a flat string map the flow can branch on: stored, responseId, severity, alert, error.
 */
export const handler = middy(async (event: ConnectContactFlowEvent): Promise<ConnectContactFlowResult> => {
  const contact = event.Details?.ContactData;
  const parameters = event.Details?.Parameters ?? {};
  const surveyId = parameters.surveyId;
  if (!contact?.ContactId || !surveyId) {
    return { stored: 'false', error: !surveyId ? 'surveyId: the Lambda block needs a surveyId parameter' : 'ContactData.ContactId is missing' };
  }
  const prefix = parameters.answerPrefix ?? 'survey_';
  const answers = Object.fromEntries(
    Object.entries(contact.Attributes ?? {})
      .filter(([name, value]) => name.startsWith(prefix) && value !== '')
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
  const phone = contact.CustomerEndpoint?.Type === 'TELEPHONE_NUMBER' ? contact.CustomerEndpoint.Address : undefined;
  try {
    const { response, survey } = await recordResponse(
      feedbackStore(),
      {
        surveyId,
        channel: 'connect',
        answers,
        customerId: parameters.customerId || contact.Attributes?.customerId || undefined,
        ...(phone && { contact: { phone } }),
        attributes: { contactId: contact.ContactId, ...(contact.Channel && { connectChannel: contact.Channel }), ...(contact.Queue?.Name && { queue: contact.Queue.Name }) },
        // One response per contact, however often the flow invokes the block.
        idempotencyKey: contact.ContactId,
        partial: parameters.partial === 'true',
      },
      new Date(),
    );
    const scores = scoreResponse(survey, response.answers, response.revision);
    return { stored: 'true', responseId: response.id, severity: scores.severity, alert: String(alertReasons(survey, response).length > 0) };
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) {
      logger.info('Connect survey refused', { contactId: contact.ContactId, code: error.code, details: error.details });
      return { stored: 'false', error: error.details.map((d) => `${d.field}: ${d.message}`).join('; ') || error.message };
    }
    throw error;
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));
