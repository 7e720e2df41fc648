import { eventually, runCli, sentEmails, tempFile, useTestRuntime } from './support';

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
