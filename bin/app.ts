import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CxFeedbackStack, senderEmailProblem, textAnalyticsProblem } from '../lib/cx-feedback-stack';
import type { TextAnalytics } from '../lambdas/pipeline';

const app = new App();
const context = (name: string): string | undefined => app.node.tryGetContext(name);

// Required: invitations and alerts go out from this address, so synth stops without a real one.
const senderEmail = context('senderEmail');
// Optional: who reads comments; a value other than builtin or comprehend stops synth too.
const textAnalytics = context('textAnalytics');
for (const problem of [senderEmailProblem(senderEmail), textAnalyticsProblem(textAnalytics)]) {
  if (!problem) continue;
  console.error(`Error: ${problem}`);
  process.exit(1);
}

new CxFeedbackStack(app, 'CxFeedback', {
  description: 'CX feedback pipeline: multichannel survey responses, scoring and alerts',
  env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
  senderEmail: senderEmail!,
  existingSenderIdentity: context('senderIdentity') === 'existing',
  corsOrigins: context('corsOrigins')?.split(',').map((o) => o.trim()).filter(Boolean),
  publicUrl: context('publicUrl'),
  opsEmail: context('opsEmail'),
  connectInstanceArn: context('connectInstanceArn'),
  tracing: context('tracing') === 'active',
  textAnalytics: textAnalytics as TextAnalytics | undefined,
  twilio: context('twilioAccountSid') && context('twilioFromNumber') ? { accountSid: context('twilioAccountSid')!, fromNumber: context('twilioFromNumber')! } : undefined,
});

// AWS Solutions rules on every synth; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
