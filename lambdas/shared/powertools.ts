import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = 'cx-feedback';
export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'CxFeedback' });
export const tracer = new Tracer({ serviceName });
