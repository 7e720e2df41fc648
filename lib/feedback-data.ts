import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { secrets, table as tableDefinition, type SecretName } from '../lambdas/pipeline';

export interface FeedbackDataProps {
  /**
   * Refuse table deletion (also through CloudFormation).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** The customer-managed key, the single table (as lambdas/pipeline.ts declares it) and the secrets. */
export class FeedbackData extends Construct {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly secrets: Record<SecretName, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props: FeedbackDataProps = {}) {
    super(scope, id);
    const { region } = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'CX feedback pipeline: table, stream, topics, queues, logs and secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch Logs and alarms (publishing to encrypted topics) use the key on the stack's behalf.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Stack.of(this).partition}:logs:${region}:${Stack.of(this).account}:*` } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    const s = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: s(tableDefinition.partitionKey),
      sortKey: s(tableDefinition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: s(index.partitionKey),
        sortKey: s(index.sortKey),
        projectionType: index.projection === 'keysOnly' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      });
    }

    this.secrets = Object.fromEntries(
      (Object.keys(secrets) as SecretName[]).map((name) => {
        const secret = new secretsmanager.Secret(this, `Secret${name}`, {
          description: secrets[name].description,
          encryptionKey: this.key,
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          removalPolicy: RemovalPolicy.RETAIN,
        });
        return [name, secret];
      }),
    ) as Record<SecretName, secretsmanager.Secret>;
  }
}
