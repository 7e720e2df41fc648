import { Logger } from '@aws-lambda-powertools/logger';

/** The Logger alone, for handlers (the authorizer) that load neither Metrics nor the Tracer. */
export const logger = new Logger({ serviceName: 'cx-feedback' });
