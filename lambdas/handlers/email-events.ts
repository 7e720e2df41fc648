import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { applyEmailEvent } from '../domain/outreach/email-events';
import { secretValue } from '../shared/secrets';
import { invitationStore, suppressionStore } from '../shared/dependencies';
import { logger } from '../shared/powertools';

/**
 * SES delivery, bounce and complaint events (the configuration set's SNS destination) for invitations.
 * A message that is not such an event is logged and skipped, never thrown on; a store failure throws, so
 * SNS retries the delivery.
 */
export const handler = middy(async (event: SNSEvent) => {
  const deps = { invitations: invitationStore(), suppressions: suppressionStore(), tokenSecret: await secretValue('TOKEN_SECRET') };
  for (const record of event.Records ?? []) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns?.Message ?? '');
    } catch {
      logger.warn('not a JSON e-mail event', { messageId: record.Sns?.MessageId });
      continue;
    }
    const outcome = await applyEmailEvent(deps, message, new Date());
    logger.info('e-mail event', { outcome, messageId: record.Sns?.MessageId });
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));
