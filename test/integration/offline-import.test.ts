import { eventually, runCli, sentEmails, surveyInput, tempFile, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

const importCsv = (surveyId: string, channel: string, csv: string) =>
  local.api(`/admin/surveys/${surveyId}/responses/import?channel=${channel}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });

describe('offline answers imported from CSV', () => {
  it('validates row by row with a report, stores each once, and scores and alerts them like online answers', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'store' })) })).body.id as string;
    const csv = [
      'id,customerId,submittedAt,mode,nps,csat,comment',
      'kiosk-1,c-kiosk-1,2026-11-20T10:00:00Z,kiosk,2,1,"Queue was endless, ""nobody"" helped"',
      'kiosk-2,c-kiosk-2,2026-11-20T11:00:00Z,tablet,10,5,',
      'kiosk-3,c-kiosk-3,2026-11-20T12:00:00Z,paper,11,5,',
      'kiosk-4,"c-4\nNPS: 10",2026-11-20T12:00:00Z,paper,5,,',
      'kiosk-5,c-kiosk-5,2099-01-01T00:00:00Z,paper,5,,',
      'kiosk-6,c-kiosk-6,yesterday,paper,5,,',
      'only,three,fields',
    ].join('\n');
    const report = await importCsv(surveyId, 'face-to-face', csv);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ received: 7, stored: 2, duplicates: 0 });
    expect(report.body.rejected.map((r: { row: number; field: string }) => [r.row, r.field])).toEqual([
      [4, 'answers.nps'],
      [6, 'customerId'],
      [7, 'submittedAt'],
      [8, 'submittedAt'],
      [9, 'row'],
    ]);

    // A re-import changes nothing.
    expect((await importCsv(surveyId, 'face-to-face', csv)).body).toMatchObject({ stored: 0, duplicates: 2 });

    // Same stream: scored, the detractor alerted, the channel and the answer time kept.
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes('Customer: c-kiosk-1')), 'the alert of the kiosk answer');
    expect(mail.body.text).toContain('Channel: face-to-face');
    await runtime.waitForIdle();
    const stored = (await api(`/admin/responses?surveyId=${surveyId}`)).body.items;
    expect(stored).toHaveLength(2);
    expect(stored.find((r: { customerId: string }) => r.customerId === 'c-kiosk-1')).toMatchObject({
      channel: 'face-to-face',
      submittedAt: '2026-11-20T10:00:00.000Z',
      attributes: { mode: 'kiosk' },
      answers: { nps: 2, csat: 1, comment: 'Queue was endless, "nobody" helped' },
      scores: { nps: { category: 'detractor' } },
    });
  });

  it('refuses unknown columns, an unknown channel and unreadable CSV before storing anything', async () => {
    const { api } = local;
    const bad = await importCsv('demo', 'face-to-face', 'nps,password\n9,x\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('columns.password');
    expect((await importCsv('demo', 'face-to-face', '__proto__,nps\nx,9\n')).body.error.details[0].field).toBe('columns.__proto__');
    expect((await importCsv('demo', 'carrier-pigeon', 'nps\n9\n')).body.error.details[0].field).toBe('channel');
    expect((await importCsv('demo', 'direct-mail', 'nps,comment\n9,"unclosed\n')).body.error.code).toBe('malformed_csv');
    expect((await api('/admin/responses?surveyId=demo')).body.items.filter((r: { channel: string }) => r.channel === 'direct-mail')).toHaveLength(0);
  });
});

describe('the CLI import', () => {
  it('streams a 2,500-row file in parts through the same validation and reports rejected rows with their line', async () => {
    const surveyId = (await local.api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'mailing' })) })).body.id as string;
    const lines = ['id,customerId,nps,comment'];
    for (let i = 1; i <= 2500; i++) lines.push(i % 1000 === 0 ? `m-${i},c-${i},42,bad score` : `m-${i},c-${i},${7 + (i % 4)},"line ${i}"`);
    const file = tempFile('mailing.csv', lines.join('\n'));
    const run = async () => {
      const { code, stdout } = await runCli(local.runtime, ['responses', 'import', file, '--survey', surveyId, '--channel', 'direct-mail']);
      return { code, out: stdout };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toContain('2500 rows, 2498 stored, 0 already imported, 2 rejected.');
    expect(first.out).toContain('row 1001  answers.nps: must be at most 10');
    expect(first.out).toContain('row 2001  answers.nps');
    expect((await run()).out).toContain('2500 rows, 0 stored, 2498 already imported, 2 rejected.');
  });
});

describe('export', () => {
  it('pages responses out as CSV and JSON Lines through the API and the CLI', async () => {
    const surveyId = (await local.api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'export' })) })).body.id as string;
    const rows = ['id,customerId,nps,comment', ...Array.from({ length: 150 }, (_, i) => `e-${i},c-${i},${i % 11},"=cmd|'/c calc'!A${i}"`)].join('\n');
    expect((await importCsv(surveyId, 'direct-mail', rows)).body.stored).toBe(150);
    const first = await fetch(`${local.runtime.apiUrl}/admin/surveys/${surveyId}/responses/export?format=csv`, { headers: { 'x-api-key': local.runtime.adminKey } });
    expect(first.headers.get('content-type')).toContain('text/csv');
    const text = await first.text();
    expect(text.split('\r\n')[0]).toMatch(/^id,submittedAt,channel/);
    expect(text).toContain(",'=cmd|'/c calc'!A");
    expect(first.headers.get('x-next-cursor')).toBeTruthy();
    const cli = async (format: string) => (await runCli(local.runtime, ['responses', 'export', '--survey', surveyId, '--format', format])).stdout;
    const csv = await cli('csv');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(151);
    const jsonl = (await cli('jsonl')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(new Set(jsonl.map((r) => r.id)).size).toBe(150);
    expect((await local.api(`/admin/surveys/${surveyId}/responses/export?format=xml`)).body.error.details[0].field).toBe('format');
  });
});
