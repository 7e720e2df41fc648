import { eventually, runCli, sentEmails, surveyInput, tempFile, useTestRuntime } from './support';

jest.setTimeout(180_000);

/*
 * Comment analytics on the real path: answers posted over HTTP, read by the processing consumer from DynamoDB
 * Local's stream, counted by the aggregates consumer, and shown on the case page, in the export, the themes
 * report and the CLI.
 */
const local = useTestRuntime();
const RUDE_AND_LATE = 'the driver was rude and the parcel came three days late';
const APP_BUT_REFUND = 'great app but still no refund';
const today = () => new Date().toISOString().slice(0, 10);

async function newSurvey(overrides: Record<string, unknown> = {}) {
  return (await local.api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput(overrides)) })).body.id as string;
}
const answer = async (surveyId: string, answers: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  (await local.api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, answers, ...extra }) })).body.id as string;
const analysisOf = (id: string) => eventually(async () => (await local.api(`/admin/responses/${id}`)).body.analysis, `the analysis of ${id}`);

describe('comment analytics', () => {
  it("reads a detractor's comment: negative, staff and delivery, on the case page, in the export, the report and the CLI", async () => {
    const { runtime } = local;
    const surveyId = await newSurvey();
    const id = await answer(surveyId, { nps: 2, comment: RUDE_AND_LATE }, { customerId: 'c-rude' });
    const analysis = await analysisOf(id);
    expect(analysis).toMatchObject({ revision: 1, analyzer: 'builtin', taxonomyVersion: 0, sentiment: 'negative', language: 'en' });
    expect([...analysis.themes].sort()).toEqual(['delivery', 'staff']);
    expect(analysis.themeSentiments).toEqual({ delivery: 'negative', staff: 'negative' });
    expect(analysis.score).toBeLessThan(-0.5);

    // The case page, opened from the owner's e-mail.
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${id}`)), 'the alert e-mail');
    const page = await (await fetch(new RegExp(`${runtime.apiUrl}/c/\\S+`).exec(mail.body.text!)![0])).text();
    expect(page).toMatch(/Sentiment<\/th><td>negative \(-[01]\.\d\d\)/);
    expect(page).toContain('Delivery and timing (negative)');
    expect(page).toContain('Staff and service (negative)');

    // The export.
    const csv = await runCli(runtime, ['responses', 'export', '--survey', surveyId]);
    expect(csv.code).toBe(0);
    const [header, row] = csv.stdout.trim().split(/\r?\n/);
    const cells = Object.fromEntries(header.split(',').map((name, i) => [name, row.split(',')[i]]));
    expect(cells.sentiment).toBe('negative');
    expect(cells.themes.split(';').sort()).toEqual(['delivery', 'staff']);

    // The themes report: both themes once, with the detractor's NPS.
    await runtime.waitForIdle();
    const report = (await local.api(`/admin/reports/themes?surveyId=${surveyId}&from=${today()}&to=${today()}`)).body;
    expect(report.analysed).toBe(1);
    expect(report.themes.map((t: { theme: string }) => t.theme).sort()).toEqual(['delivery', 'staff']);
    for (const theme of report.themes) expect(theme).toMatchObject({ mentions: 1, negative: 1, nps: { score: -100, n: 1 } });

    // The CLI reads the same way.
    const printed = await new Promise<string>((resolve) => {
      const child = require('node:child_process').execFile(process.execPath, ['bin/cx.js', 'comments', 'analyze'], (_e: unknown, stdout: string) => resolve(stdout));
      child.stdin.end(`${RUDE_AND_LATE}\n`);
    });
    const line = JSON.parse(printed.trim());
    expect(line).toMatchObject({ sentiment: analysis.sentiment, score: analysis.score, language: 'en', themes: analysis.themes, phrases: analysis.phrases });

    // Counted in the cells exactly as a recomputation from the stored responses counts it.
    const verify = await runCli(runtime, ['aggregates', 'verify', '--survey', surveyId]);
    expect(verify.stdout).toContain('0 difference(s)');
    expect(verify.code).toBe(0);
  });

  it("opens the case a rule on the comment asks for: a promoter's \"great app but still no refund\"", async () => {
    const { api, runtime } = local;
    const surveyId = await newSurvey({ touchpoint: 'checkout' });
    const rules = {
      rules: [
        { id: 'detractors', name: 'Detractors', when: { field: 'nps', op: 'lte', value: 6 }, severity: 'high' },
        {
          id: 'refund-complaint',
          name: 'A complaint about a refund, whatever the score',
          when: { field: 'comment.negativeThemes', op: 'contains', value: 'refunds' },
          severity: 'low',
          routeTo: { owner: 'refunds@example.com', team: 'refunds' },
        },
      ],
    };
    expect((await api(`/admin/surveys/${surveyId}/alert-rules`, { method: 'PUT', body: JSON.stringify(rules) })).status).toBe(200);
    const id = await answer(surveyId, { nps: 10, comment: APP_BUT_REFUND });
    const kase = await eventually(async () => {
      const res = await api(`/admin/cases/${id}`);
      return res.status === 200 && res.body;
    }, 'the case');
    expect(kase).toMatchObject({ severity: 'low', owner: 'refunds@example.com', team: 'refunds' });
    expect(kase.reasons.join(' ')).toContain("the comment's negative themes contains \"refunds\"");
    // The alert waited for the analysis: it is stored with the response's completion.
    expect(await analysisOf(id)).toMatchObject({ themes: expect.arrayContaining(['digital', 'refunds']), themeSentiments: { digital: 'positive', refunds: 'negative' } });
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.body.text?.includes(`Case: ${id}`)), 'the alert e-mail');
    expect(mail.destination.to).toEqual(['refunds@example.com']);

    // A promoter whose comment is about something else opens none.
    const fine = await answer(surveyId, { nps: 10, comment: 'great app, quick delivery' });
    await analysisOf(fine);
    await runtime.waitForIdle();
    expect((await api(`/admin/cases/${fine}`)).status).toBe(404);
  });

  it('re-reads stored comments after the survey extends its themes, and the cells follow', async () => {
    const { api, runtime } = local;
    const surveyId = await newSurvey({ touchpoint: 'tasting' });
    const id = await answer(surveyId, { nps: 9, comment: 'the sommelier picked a superb wine' });
    const before = await analysisOf(id);
    expect(before.themes).not.toContain('wine-list');

    const themes = { mode: 'extend', themes: [{ id: 'wine-list', label: 'Wine list', phrases: ['sommelier', 'wine list'] }] };
    const refused = await api(`/admin/surveys/${surveyId}/themes`, { method: 'PUT', body: JSON.stringify({ themes: [{ id: 'Bad Id', label: 'x', phrases: ['x'] }] }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toContain('themes.0.id');
    const file = tempFile('themes.json', JSON.stringify(themes));
    const set = await runCli(runtime, ['surveys', 'themes', surveyId, '--set', file]);
    expect(set.stdout).toContain('themes version 1');
    // Saved against version 0 again: refused, the first change stands.
    const stale = await api(`/admin/surveys/${surveyId}/themes`, { method: 'PUT', headers: { 'if-match': '"0"' }, body: JSON.stringify(themes) });
    expect(stale.status).toBe(409);

    const reanalyze = await runCli(runtime, ['comments', 'reanalyze', '--survey', surveyId]);
    expect(reanalyze.stdout).toContain('1 comment(s) analysed');
    const after = (await api(`/admin/responses/${id}`)).body.analysis;
    expect(after).toMatchObject({ taxonomyVersion: 1, themes: expect.arrayContaining(['wine-list']), matches: { 'wine-list': ['sommelier'] } });
    await runtime.waitForIdle();
    const report = (await api(`/admin/reports/themes?surveyId=${surveyId}&from=${today()}&to=${today()}`)).body;
    expect(report.themes.find((t: { theme: string }) => t.theme === 'wine-list')).toMatchObject({ label: 'Wine list', mentions: 1 });
    const verify = await runCli(runtime, ['aggregates', 'verify', '--survey', surveyId]);
    expect(verify.stdout).toContain('0 difference(s)');
  });

  it('gives a comment in a language it does not read its language and nothing it cannot read', async () => {
    const surveyId = await newSurvey({ touchpoint: 'paris' });
    const id = await answer(surveyId, { nps: 3, comment: 'Le colis est arrivé en retard et le livreur était très impoli' });
    const analysis = await analysisOf(id);
    expect(analysis).toMatchObject({ language: 'fr', themes: [] });
    expect(analysis.sentiment).toBeUndefined();
  });
});
