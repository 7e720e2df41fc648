// Handlers read configuration from the environment, as in Lambda. Unit tests never reach AWS:
// SDK calls are intercepted by aws-sdk-client-mock, and any that slip through hit a closed local port.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  TABLE_NAME: 'cx-feedback-test',
  SENDER_EMAIL: 'feedback@example.com',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:cx-feedback-alerts',
  PUBLIC_URL: 'https://cx.example.org',
  TOKEN_SECRET: 'unit-test-token-secret',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
