import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { DynamoFeedbackStore } from '../lambdas/adapters/dynamo-store';
import { createApiKey } from '../lambdas/domain/api-keys';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  keys create [--name NAME]     create an admin API key; it is printed once and stored only as a hash

Options:
  --table NAME      table name (default: $TABLE_NAME, or "cx-feedback" as the local runtime names it)
  --endpoint URL    DynamoDB endpoint, e.g. http://127.0.0.1:8000 for the local runtime
                    (default: the SDK's own resolution, i.e. AWS with your credentials)
  --region REGION   (default: $AWS_REGION)

Examples:
  npm run cli -- keys create --name ops --endpoint http://127.0.0.1:8000
  TABLE_NAME=<TableName output of the stack> npm run cli -- keys create --name ops`;

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'admin' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [group, action] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return 0;
  }
  if (group === 'keys' && action === 'create') {
    const tableName = values.table ?? process.env.TABLE_NAME ?? 'cx-feedback';
    const client = new DynamoDBClient({
      ...(values.region && { region: values.region }),
      ...(values.endpoint && {
        endpoint: values.endpoint,
        // Emulators accept any credentials.
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
      }),
    });
    const { key, record } = await createApiKey(new DynamoFeedbackStore(tableName, client), values.name!, new Date());
    console.log(`Created API key "${record.name}" (role ${record.role}) in table ${tableName}.`);
    console.log(`Key (shown once; only its SHA-256 hash is stored): ${key}`);
    return 0;
  }
  console.error(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
