import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface FeedbackAlertingProps {
  readonly key: kms.IKey;
  /** Address the survey e-mails and alerts are sent from; becomes an SES e-mail identity unless `existingIdentity`. */
  readonly senderEmail: string;
  /**
   * The sender (or its domain) is already an SES identity of the account: the stack uses it instead of creating
   * one, which would fail the deploy with AlreadyExists. @default false
   */
  readonly existingIdentity?: boolean;
}

/** The SNS alert topic for integrations, and the SES identity that sends invitations and alert e-mails. */
export class FeedbackAlerting extends Construct {
  readonly topic: sns.Topic;
  readonly senderEmail: string;
  /** SES publishes invitations' deliveries, bounces and complaints here (the funnel and bounce suppression). */
  readonly emailEvents: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;

  constructor(scope: Construct, id: string, props: FeedbackAlertingProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'CX feedback alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (!props.existingIdentity) new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(props.senderEmail) });
    this.senderEmail = props.senderEmail;

    this.emailEvents = new sns.Topic(this, 'EmailEventTopic', { displayName: 'CX feedback e-mail events', masterKey: props.key, enforceSSL: true });
    const stack = Stack.of(this);
    const fromSes = new iam.ServicePrincipal('ses.amazonaws.com');
    // SES publishes to the encrypted topic only for this account.
    this.emailEvents.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [fromSes], actions: ['sns:Publish'], resources: [this.emailEvents.topicArn], conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [fromSes], actions: ['kms:GenerateDataKey*', 'kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    );
    this.configurationSet = new ses.ConfigurationSet(this, 'Invitations', {});
    this.configurationSet.addEventDestination('ToTopic', {
      destination: ses.EventDestination.snsTopic(this.emailEvents),
      events: [ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
  }

  /** Sending through the configuration set (its events report deliveries and bounces). */
  grantConfigurationSet(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }, Stack.of(this))],
    });
  }

  /**
   * SES sending, from the sender address only. The resource is every identity because SES authorizes the
   * recipient's identity too while the account is in the sandbox; `ses:FromAddress` pins the sender.
   */
  grantSendEmail(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [Arn.format({ service: 'ses', resource: 'identity', resourceName: '*' }, Stack.of(this))],
      conditions: { StringEquals: { 'ses:FromAddress': this.senderEmail } },
    });
  }
}
