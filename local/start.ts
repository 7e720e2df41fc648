import { parseArgs } from 'node:util';
import { cliSettings, exportLine } from './cli-settings';
import { DEMO_SURVEY_ID } from './seed';
import { startLocalRuntime } from './runtime';

/** `npm start`: the whole pipeline on this machine, on real emulators. */
async function main() {
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`Usage: npm start [-- --in-memory] [--data-dir DIR] [--port N]
Env: DEMO_HISTORY=0 (no 90-day demo answers), PORT, DYNAMODB_PORT, SES_PORT, SNS_PORT, SMS_PORT, WEBHOOK_PORT, TWILIO_AUTH_TOKEN, VONAGE_SIGNATURE_SECRET, SURVEY_ADMIN_KEY, TOKEN_SECRET, PUBLIC_URL, SENDER_EMAIL, DEMO_OWNER_EMAIL, LOCAL_DATA_DIR`);
    return;
  }
  console.log('Starting DynamoDB Local, the SES emulator and the SNS emulator…');
  const runtime = await startLocalRuntime({
    inMemory: values['in-memory'],
    dataDir: values['data-dir'],
    ports: values.port === undefined ? {} : { api: Number(values.port) },
    // A newcomer's first look at the dashboard should show something: 90 days of demo answers (DEMO_HISTORY=0 skips them).
    demoHistory: process.env.DEMO_HISTORY !== '0',
  });
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(22)} ${value}`);
  console.log('\nCX feedback pipeline is running locally.\n');
  line('API', runtime.apiUrl);
  const keySource = {
    setting: 'from SURVEY_ADMIN_KEY',
    kept: `kept in ${runtime.adminKeyFile} from an earlier run`,
    generated: runtime.adminKeyFile ? `generated; kept in ${runtime.adminKeyFile} for the next runs` : 'generated for this run',
  }[runtime.adminKeySource];
  line('Admin key', `${runtime.adminKey} (${keySource})`);
  line('Demo survey form', `${runtime.apiUrl}/s/${DEMO_SURVEY_ID}`);
  line('Dashboard', `${runtime.apiUrl}/dashboard (sign in with the admin key)`);
  line('Inbox (sent e-mail)', `${runtime.sesUrl}/`);
  line('DynamoDB Local', `${runtime.dynamodbUrl}${values['in-memory'] ? ' (in memory)' : ''}`);
  line('SNS emulator', `${runtime.snsUrl} (alert topic messages are printed below)`);
  line('SMS outbox', `${runtime.smsOutboxUrl}/ (texts sent through the Twilio API)`);
  line('Webhook receiver', `${runtime.webhookReceiverUrl}/ (destinations may point here; signatures checked)`);
  line('Demo phone number', `${runtime.demoPhoneNumber} (Twilio/Vonage webhooks run the demo survey)`);
  line('Connect invocation', `POST ${runtime.apiUrl}/2015-03-31/functions/connectSurvey/invocations (x-api-key: the admin key)`);
  for (const name of runtime.generatedSecrets) line(name, `${runtime.env[name]} (generated; set ${name} to keep it)`);
  console.log(`\nThe CLI (npm run cli -- …) finds this runtime, keys and replay included, once these are set in its shell:\n  ${exportLine(cliSettings({ ...runtime, tableName: runtime.env.TABLE_NAME }))}`);
  console.log(`\nTry: curl -s ${runtime.apiUrl}/admin/alerts -H "x-api-key: ${runtime.adminKey}"\nPress Ctrl-C to stop.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`Could not start the local runtime: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
