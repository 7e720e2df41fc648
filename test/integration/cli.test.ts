import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { cliSettings } from '../../local/cli-settings';
import { eventually, runCli, runCliWithOnly, sentEmails, tempFile, useTestRuntime } from './support';

jest.setTimeout(180_000);

const local = useTestRuntime();

const cx = (args: string[], env: Record<string, string> = {}) => runCli(local.runtime, args, env);

describe('the operator CLI', () => {
  it('creates a survey from YAML, then sends e-mail invitations from a CSV once, however often it runs', async () => {
    const yamlFile = tempFile(
      'survey.yaml',
      ['name: Pickup point check', 'touchpoint: pickup', 'ownerEmail: lead@example.com', 'questions:', '  - { id: nps, type: nps, text: "How likely are you to recommend us?", required: true }', '  - { id: comment, type: text, text: Why? }', ''].join('\n'),
    );
    const created = await cx(['surveys', 'create', yamlFile]);
    expect(created.stderr).toBe('');
    const surveyId = /Created survey (\S+)/.exec(created.stdout)![1];
    expect(created.stdout).toContain(`${local.runtime.apiUrl}/s/${surveyId}`);

    const csv = tempFile('contacts.csv', 'email,name,customerId,plan\ncli-1@example.com,Ann,c-1,gold\ncli-2@example.com,Bo,c-2,\nnot-an-address,Cy,c-3,silver\ncli-1@example.com,Ann again,c-1,gold\n');
    const first = await cx(['invitations', 'send', csv, '--survey', surveyId]);
    expect(first.stdout).toContain('2 sent');
    expect(first.stdout).toMatch(/row 4 {2}refused: email/);
    expect(first.stdout).toContain('row 5  the same contact appears earlier in the file');
    await eventually(async () => (await sentEmails(local.runtime)).filter((m) => m.destination.to.some((to) => to.startsWith('cli-'))).length === 2, 'two invitations');

    const aggregates = await cx(['reports', 'export', '--survey', 'demo', '--granularity', 'month']);
    expect(aggregates.stdout.split('\r\n')[0]).toMatch(/^period,touchpoint,channel,responses,alerts,/);

    const again = await cx(['invitations', 'send', csv, '--survey', surveyId]);
    expect(again.stdout).toContain('2 already-sent');
    expect(again.stdout).not.toMatch(/\d+ sent/);
    expect((await sentEmails(local.runtime)).filter((m) => m.destination.to.some((to) => to.startsWith('cli-')))).toHaveLength(2);
  });

  it('creates, lists and revokes keys in the table; a revoked key is refused with a clear message', async () => {
    const table = ['--endpoint', local.runtime.dynamodbUrl, '--table', local.runtime.env.TABLE_NAME];
    const created = await cx(['keys', 'create', '--name', 'returns lead', '--role', 'manager', '--touchpoints', 'returns', ...table]);
    expect(created.stdout).toMatch(/role manager, id [0-9a-f]{16}/);
    const key = /Key \(shown once; only its SHA-256 hash is stored\): (\S+)/.exec(created.stdout)![1];
    const keyId = /id ([0-9a-f]{16})/.exec(created.stdout)![1];
    expect((await cx(['keys', 'create', '--role', 'manager', ...table])).stderr).toContain('scope: a manager needs a scope');

    const listed = await cx(['keys', 'list', ...table]);
    expect(listed.stdout).toContain(`${keyId}  manager  returns lead  scope {"touchpoints":["returns"]}`);
    expect(listed.stdout).not.toContain(key);

    expect((await cx(['cases', 'list'], { CX_API_KEY: key })).code).toBe(0);
    expect((await cx(['keys', 'revoke', keyId, ...table])).stdout).toContain(`Revoked ${keyId}`);
    const refused = await cx(['cases', 'list'], { CX_API_KEY: key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403 a valid API key is required');
    expect(refused.stderr).toContain('check the key');
  });

  it('replay --list shows a response parked after failing too often, and replay --parked puts it back', async () => {
    const { runtime } = local;
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: runtime.dynamodbUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    // A response of a survey that is gone, failed seven times already: its eighth failure parks it.
    const id = 'PARKEDPROBE0000000000000001';
    const failure = { step: 'survey', message: 'survey gone does not exist', at: new Date().toISOString(), attempts: 7, retryAt: new Date(Date.now() - 60_000).toISOString() };
    await doc.send(
      new PutCommand({
        TableName: runtime.env.TABLE_NAME,
        Item: { pk: `RESPONSE#${id}`, sk: 'META', entity: 'response', gsi1pk: 'SURVEY#gone#RESPONSES', gsi1sk: `${failure.at}#${id}`, gsi2pk: 'PENDING#0', gsi2sk: `${failure.retryAt}#${id}`, id, surveyId: 'gone', channel: 'web', touchpoint: 'x', answers: { nps: 1 }, status: 'complete', submittedAt: failure.at, revision: 1, pending: true, processingFailure: failure },
      }),
    );
    const endpoint = ['--endpoint', runtime.apiUrl];
    const swept = await cx(['replay', ...endpoint]);
    expect(swept.code).toBe(1);
    expect(swept.stdout).toContain(`${id}  survey: survey gone does not exist (attempt 8, now parked)`);
    const listed = await cx(['replay', '--list', ...endpoint]);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain('Parked: 1 response(s), 0 escalation notice(s).');
    expect(listed.stdout).toContain(`response ${id}  survey: survey gone does not exist (8 attempts`);
    const retried = await cx(['replay', '--parked', ...endpoint]);
    expect(retried.stdout).toContain('1 parked response(s) put back.');
    expect(retried.stdout).toContain(`${id}  survey: survey gone does not exist (attempt 1)`);
    expect((await cx(['replay', '--list', ...endpoint])).stdout).toContain('Parked: 0 response(s)');
    // Without the admin key the local runtime refuses, as IAM would.
    expect((await cx(['replay', '--list', ...endpoint], { CX_API_KEY: '' })).code).not.toBe(0);
  });

  it('finds the local runtime for keys and replay without --endpoint once the settings npm start prints are exported', async () => {
    const { runtime } = local;
    const settings = cliSettings({ ...runtime, tableName: runtime.env.TABLE_NAME });
    const created = await runCliWithOnly(settings, ['keys', 'create', '--name', 'from the printed settings', '--role', 'analyst']);
    expect(created.code).toBe(0);
    const keyId = /id ([0-9a-f]{16})/.exec(created.stdout)![1];
    expect((await runCliWithOnly(settings, ['keys', 'list'])).stdout).toContain(`${keyId}  analyst  from the printed settings`);
    expect((await runCliWithOnly(settings, ['keys', 'revoke', keyId])).stdout).toContain(`Revoked ${keyId}`);
    const listed = await runCliWithOnly(settings, ['replay', '--list']);
    expect([listed.code === 0 || listed.code === 1, listed.stdout]).toEqual([true, expect.stringMatching(/^Parked: \d+ response\(s\), \d+ escalation notice\(s\)\./)]);
    const swept = await runCliWithOnly(settings, ['replay', '--older-than', '3600']);
    expect(swept.stdout).toMatch(/^Replayed \d+ pending response\(s\)/);

    // Nothing set, no AWS region either: one line naming what to pass, exit 2.
    for (const [args, hint] of [
      [['keys', 'list'], 'No DynamoDB endpoint or AWS region found: pass --endpoint http://127.0.0.1:8000'],
      [['replay', '--list'], 'No Lambda endpoint or AWS region found: pass --endpoint http://127.0.0.1:3000'],
      [['aggregates', 'verify', '--survey', 'demo'], 'No Lambda endpoint or AWS region found: pass --endpoint http://127.0.0.1:3000'],
    ] as const) {
      const lost = await runCliWithOnly({}, args);
      expect([args.join(' '), lost.code, lost.stdout]).toEqual([args.join(' '), 2, '']);
      // (The AWS SDK may add its own Node-version warning; ours is one line.)
      expect(lost.stderr.split('\n').filter((line) => line.startsWith('No '))).toEqual([expect.stringContaining(hint)]);
      expect(lost.stderr).toMatch(/or --region REGION for a deployed stack\.\n/);
    }
  });

  it('counts rejected rows in an import summary, however many reasons a row has', async () => {
    const csv = tempFile(
      'crm.csv',
      ['customerId,name,email,lifetimeValue', 'cli-crm-1,Ann,ann@example.com,100', 'cli-crm-2,Eve,not-an-email,-5', 'cli-crm-3,Bo,bo@example.com', 'cli-crm-4,Cy,cy@example.com,10', ''].join('\n'),
    );
    const imported = await cx(['customers', 'import', csv]);
    expect(imported.code).toBe(0);
    // Row 3 has two reasons (e-mail and value), row 4 one field short: two rows rejected, three reasons listed.
    expect(imported.stdout).toContain('4 rows, 2 profiles created or updated, 2 rejected.');
    expect(imported.stdout.split('\n').filter((line) => /^ {2}row \d/.test(line))).toHaveLength(3);
  });

  it('refuses a missing or unreadable input file in one line with exit code 2', async () => {
    const missing = tempFile('here.csv', '').replace(/here\.csv$/, 'missing.csv');
    const directory = tempFile('x.csv', '').replace(/\/x\.csv$/, '');
    for (const [args, file] of [
      [['customers', 'import', missing], missing],
      [['responses', 'import', missing, '--survey', 'demo', '--channel', 'face-to-face'], missing],
      [['invitations', 'send', missing, '--survey', 'demo'], missing],
      [['surveys', 'create', missing], missing],
      [['customers', 'import', directory], directory],
    ] as const) {
      const run = await cx([...args]);
      expect([args.join(' '), run.code, run.stderr]).toEqual([args.join(' '), 2, `Cannot read ${file}: ${file === missing ? 'no such file' : 'it is a directory'}\n`]);
      expect(run.stdout).toBe('');
    }
  });

  it('answers --help on every command, naming its options, and refuses a missing key or a bad flag with a usage hint', async () => {
    const commands = [
      [],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['surveys', 'create'],
      ['invitations', 'send'],
      ['responses', 'import'],
      ['responses', 'export'],
      ['reports', 'export'],
      ['customers', 'import'],
      ['customers', 'erase'],
      ['cases', 'list'],
      ['cases', 'show'],
      ['cases', 'ack'],
      ['cases', 'resolve'],
      ['replay'],
      ['aggregates', 'verify'],
      ['aggregates', 'rebuild'],
      ['metrics', 'check'],
    ];
    for (const command of commands) {
      const help = await cx([...command, '--help']);
      expect([command.join(' '), help.code]).toEqual([command.join(' '), 0]);
      expect(help.stdout).toContain('Usage: cx');
      if (command.length) expect(help.stdout).toMatch(/--[a-z]/);
    }
    const noKey = await cx(['cases', 'list'], { CX_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('set CX_API_KEY');
    const badFlag = await cx(['invitations', 'send', 'x.csv', '--survey', 's', '--channel', 'fax']);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toContain("Allowed choices are email, sms");
  });
});
