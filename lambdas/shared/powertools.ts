import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

import { logger } from './logger';

export { logger };
const serviceName = 'cx-feedback';

/**
 * Metrics' own diagnostics go through the Logger. Many invocations rightly record no metric (a health
 * check, a stream record that needs no work), so that particular notice is debug, not a warning.
 */
const metricsDiagnostics = {
  debug: (message: string) => logger.debug(message),
  info: (message: string) => logger.info(message),
  error: (message: string) => logger.error(message),
  warn: (message: string) => (message.startsWith('No application metrics') ? logger.debug(message) : logger.warn(message)),
};
export const metrics = new Metrics({ serviceName, namespace: 'CxFeedback', logger: metricsDiagnostics as never });
export const tracer = new Tracer({ serviceName });
