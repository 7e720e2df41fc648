import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { countersOf, deltaOf, mergeDeltas, NO_TOUCHPOINT, periodOf } from '../../lambdas/domain/insight/aggregates';
import type { SurveyResponse } from '../../lambdas/domain/surveys/response';
import { recordsSoFar, streamReader } from '../../local/stream-reader';
import { eventually, runCli, sentEmails, surveyInput, useTestRuntime } from './support';

jest.setTimeout(180_000);

const local = useTestRuntime();
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const survey = surveyInput({
  name: 'Store visit',
  touchpoint: 'store',
  questions: [
    { id: 'nps', type: 'nps', text: 'Recommend us?', required: true },
    { id: 'csat', type: 'csat', text: 'Satisfied?' },
    { id: 'effort', type: 'ces', text: 'Easy?' },
    { id: 'again', type: 'rating', scale: 5, text: 'Would you buy here again?', dimension: 'repurchase' },
    { id: 'stay', type: 'rating', scale: 5, text: 'How sure are you to stay with us?', dimension: 'retention' },
    { id: 'comment', type: 'text', text: 'Why?' },
  ],
});

const row = fc.record({
  nps: fc.integer({ min: 0, max: 10 }),
  csat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  effort: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  again: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  stay: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  daysAgo: fc.integer({ min: 0, max: 70 }),
  touchpoint: fc.constantFrom('store', 'checkout', 'returns', ''),
});

async function allResponses(surveyId: string): Promise<SurveyResponse[]> {
  const found: SurveyResponse[] = [];
  let cursor: string | undefined;
  do {
    const page = (await local.api(`/admin/responses?surveyId=${surveyId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** Every stored aggregate item of the survey, read straight from the table. */
async function storedCells(surveyId: string): Promise<Map<string, Record<string, number>>> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.runtime.dynamodbUrl, region: 'us-east-1', credentials }));
  const cells = new Map<string, Record<string, number>>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ TableName: local.runtime.env.TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AGG#${surveyId}` }, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) {
      const counters = Object.fromEntries(Object.entries(item).filter(([k, v]) => typeof v === 'number' && v !== 0 && !['pk', 'sk'].includes(k))) as Record<string, number>;
      cells.set(String(item.sk), counters);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return cells;
}

/** The stored cells without the invitations' funnel counters (invitations are not listed through the API). */
function responseCounters(cells: Map<string, Record<string, number>>) {
  const out = new Map<string, Record<string, number>>();
  for (const [key, counters] of cells) {
    const kept = Object.fromEntries(Object.entries(counters).filter(([name]) => name !== 'inv_sent' && name !== 'inv_opened'));
    if (Object.keys(kept).length) out.set(key, kept);
  }
  return out;
}
const invitationsSent = (cells: Map<string, Record<string, number>>) => [...cells].filter(([key]) => key.startsWith('D#')).reduce((sum, [, c]) => sum + (c.inv_sent ?? 0), 0);

/** The aggregates recomputed from the raw responses, as they are now. */
function recomputed(responses: readonly SurveyResponse[]): Map<string, Record<string, number>> {
  const cells = new Map<string, Record<string, number>>();
  for (const delta of mergeDeltas(responses.flatMap((r) => deltaOf(undefined, r)))) {
    cells.set(`${delta.key.granularity}#${delta.key.period}#${delta.key.touchpoint}#${delta.key.channel}`, delta.counters);
  }
  return cells;
}

/** The table's stream records so far, as Lambda would deliver them (for re-delivering a batch). */
async function streamRecords() {
  const client = new DynamoDBClient({ endpoint: local.runtime.dynamodbUrl, region: 'us-east-1', credentials });
  const streamArn = (await client.send(new DescribeTableCommand({ TableName: local.runtime.env.TABLE_NAME }))).Table!.LatestStreamArn!;
  return recordsSoFar(streamReader({ endpoint: local.runtime.dynamodbUrl, streamArn, region: 'us-east-1' }));
}

describe('aggregates kept by the stream', () => {
  it('equal a recomputation from the raw responses, exactly, after imports, web answers, revisions and a re-delivered batch', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(survey) })).body.id as string;

    // A few hundred offline answers over ten weeks, several touchpoints (and none), some questions skipped.
    const rows = fc.sample(row, { numRuns: 300, seed: 20261125 });
    const csv = ['nps,csat,effort,again,stay,touchpoint,submittedAt', ...rows.map((r) => [r.nps, r.csat ?? '', r.effort ?? '', r.again ?? '', r.stay ?? '', r.touchpoint, new Date(Date.now() - r.daysAgo * 86_400_000).toISOString()].join(','))].join('\n');
    const imported = await api(`/admin/surveys/${surveyId}/responses/import?channel=face-to-face`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.body).toMatchObject({ stored: 300, rejected: [] });

    // Web answers today, and e-mail answers that are saved by the one-click page and completed later (revision 2).
    for (const r of rows.slice(0, 40)) await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, touchpoint: 'checkout', answers: { nps: r.nps, ...(r.csat && { csat: r.csat }) } }) });
    const contacts = Array.from({ length: 6 }, (_, i) => ({ email: `agg-${i}@example.com` }));
    await api(`/admin/surveys/${surveyId}/invitations`, { method: 'POST', body: JSON.stringify({ contacts }) });
    for (const [i, contact] of contacts.entries()) {
      const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes(contact.email)), 'an invitation');
      const link = new URL(/https?:\/\/\S+\/r\/\S+\?score=\d+/.exec(mail.body.text!)![0]);
      const post = (body: string) => fetch(link.origin + link.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect((await post(`answers.nps=${i}&confirm=1`)).status).toBe(202);
      await runtime.waitForIdle();
      expect((await post(`answers.nps=${10 - i}&answers.csat=${1 + (i % 5)}&answers.comment=later`)).status).toBe(202);
    }
    await runtime.waitForIdle();

    const responses = await allResponses(surveyId);
    expect(responses).toHaveLength(346);
    expect(responses.filter((r) => r.revision === 2)).toHaveLength(6);
    // Every response is scored for its current revision, so each counts.
    expect(responses.every((r) => countersOf(r) !== undefined)).toBe(true);
    const expected = recomputed(responses);
    const stored = await storedCells(surveyId);
    expect(responseCounters(stored)).toEqual(expected);
    expect(invitationsSent(stored)).toBe(6);

    // A batch delivered again (the event source mapping retries after a timeout): nothing counts twice.
    const records = (await streamRecords()).filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith('RESPONSE#'));
    expect(records.length).toBeGreaterThan(346);
    for (let i = 0; i < records.length; i += 50) await runtime.invoke('aggregateResponses', { Records: records.slice(i, i + 50) });
    const again = await storedCells(surveyId);
    expect(responseCounters(again)).toEqual(expected);
    expect(invitationsSent(again)).toBe(6);

    // The summary report reads the same numbers.
    const from = new Date(Date.now() - 71 * 86_400_000).toISOString().slice(0, 10);
    const summary = (await api(`/admin/reports/summary?surveyId=${surveyId}&from=${from}&groupBy=touchpoint`)).body;
    expect(summary.total.responses).toBe(346);
    const promoters = responses.filter((r) => r.scores?.nps?.category === 'promoter').length;
    const detractors = responses.filter((r) => r.scores?.nps?.category === 'detractor').length;
    expect(summary.total.nps).toMatchObject({ n: 346, promoters, detractors, score: Math.round(((promoters - detractors) / 346) * 1000) / 10 });
    for (const group of summary.groups as { key: string; figures: { responses: number } }[]) {
      expect([group.key, group.figures.responses]).toEqual([group.key, responses.filter((r) => (r.touchpoint || NO_TOUCHPOINT) === group.key).length]);
    }
    expect(summary.groups.map((g: { key: string }) => g.key)).toEqual(expect.arrayContaining(['checkout', 'returns', 'store']));
    const npsCounts = summary.total.distributions.find((d: { questionId: string }) => d.questionId === 'nps').counts;
    for (let v = 0; v <= 10; v++) expect([v, npsCounts[v]]).toEqual([v, responses.filter((r) => r.answers.nps === v).length]);
    const segments = summary.total.loyalty.segments;
    expect(segments.loyal + segments.accessible + segments.trapped + segments['at-risk']).toBe(responses.filter((r) => r.scores?.loyaltySegment).length);

    // The weekly trend's counts per week equal the responses of those weeks.
    const trend = (await api(`/admin/reports/trend?surveyId=${surveyId}&from=${from}&granularity=week&metric=responses`)).body;
    for (const point of trend.series[0].points) {
      expect([point.period, point.value]).toEqual([point.period, responses.filter((r) => periodOf('W', r.submittedAt.slice(0, 10)) === point.period).length]);
    }

    // Exports of the same cells: CSV with a header row, one row per cell.
    const exported = await api(`/admin/reports/export?surveyId=${surveyId}&from=${from}&granularity=month`);
    const lines = exported.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^period,touchpoint,channel,responses,alerts,/);
    expect(lines).toHaveLength(1 + [...again.keys()].filter((k) => k.startsWith('M#')).length);

    // The funnel: six e-mails sent and answered (saved by the page, then completed); no page was served.
    const funnel = (await api(`/admin/reports/funnel?surveyId=${surveyId}&from=${from}`)).body;
    expect(funnel.channels.find((c: { channel: string }) => c.channel === 'email')).toMatchObject({ invited: 6, opened: 0, answered: 6, completed: 6, openedWithoutAnswer: 0 });
  });

  it('refuse a bad report query naming the field, and keep a manager to their touchpoints', async () => {
    const { api } = local;
    for (const [query, field] of [
      ['surveyId=demo&from=2026-13-01', 'from'],
      ['surveyId=demo&groupBy=hour', 'groupBy'],
      ['surveyId=demo&from=2020-01-01&to=2026-01-01', 'from'],
      ['surveyId=..', 'surveyId'],
    ]) {
      const res = await api(`/admin/reports/summary?${query}`);
      expect([query, res.status, res.body.error.details[0].field]).toEqual([query, 400, field]);
    }
    const key = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'returns lead', role: 'manager', scope: { touchpoints: ['returns'] } }) })).body.key;
    const analyst = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'insights', role: 'analyst' }) })).body.key;
    const asManager = await api('/admin/reports/summary?surveyId=demo&groupBy=touchpoint', { key });
    expect(asManager.status).toBe(200);
    expect(asManager.body.groups.every((g: { key: string }) => g.key === 'returns')).toBe(true);
    expect((await api('/admin/reports/cases', { key: analyst })).status).toBe(200);
  });
});

describe('cx aggregates verify | rebuild', () => {
  const doc = () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.runtime.dynamodbUrl, region: 'us-east-1', credentials }));
  const cx = (...args: string[]) => runCli(local.runtime, ['aggregates', ...args, '--endpoint', local.runtime.apiUrl]);
  const addTo = (surveyId: string, sk: string, counters: Record<string, number>) =>
    doc().send(
      new UpdateCommand({
        TableName: local.runtime.env.TABLE_NAME,
        Key: { pk: `AGG#${surveyId}`, sk },
        UpdateExpression: `ADD ${Object.keys(counters).map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(Object.keys(counters).map((name, i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(Object.values(counters).map((v, i) => [`:c${i}`, v])),
      }),
    );

  it('lists the drift of lost records and damaged cells, and rebuild restores equality while answers keep arriving', async () => {
    const { api, runtime } = local;
    const surveyId = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(survey) })).body.id as string;
    const rows = fc.sample(row, { numRuns: 120, seed: 20261201 });
    const csv = ['nps,csat,touchpoint,submittedAt', ...rows.map((r) => [r.nps, r.csat ?? '', r.touchpoint, new Date(Date.now() - r.daysAgo * 86_400_000).toISOString()].join(','))].join('\n');
    expect((await api(`/admin/surveys/${surveyId}/responses/import?channel=face-to-face`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } })).body).toMatchObject({ stored: 120 });
    await runtime.waitForIdle();
    const from = new Date(Date.now() - 71 * 86_400_000).toISOString().slice(0, 10);
    expect((await cx('verify', '--survey', surveyId, '--from', from)).stdout).toContain('0 difference(s)');

    // A lost stream record (one response's counts never added), a damaged day cell, a month cell gone.
    const [lost] = await allResponses(surveyId);
    for (const delta of deltaOf(undefined, lost)) {
      await addTo(surveyId, `${delta.key.granularity}#${delta.key.period}#${delta.key.touchpoint}#${delta.key.channel}`, Object.fromEntries(Object.entries(delta.counters).map(([k, v]) => [k, -v])));
    }
    const cells = await storedCells(surveyId);
    const day = [...cells.keys()].find((k) => k.startsWith('D#') && !k.includes(lost.submittedAt.slice(0, 10)))!;
    await addTo(surveyId, day, { nps_promoters: 5, responses: 5 });
    const month = [...cells.keys()].find((k) => k.startsWith('M#') && !k.includes(lost.submittedAt.slice(0, 7)))!;
    await doc().send(new DeleteCommand({ TableName: runtime.env.TABLE_NAME, Key: { pk: `AGG#${surveyId}`, sk: month } }));

    const verified = await cx('verify', '--survey', surveyId, '--from', from);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${surveyId}|D|${day.split('#')[1]}|${day.split('#')[2]}|${day.split('#')[3]}  nps_promoters: stored`);
    expect(verified.stdout).toMatch(new RegExp(`${surveyId}\\|M\\|${month.split('#')[1]}\\|.*responses: stored 0, expected [1-9]`));
    expect(verified.stdout).toMatch(new RegExp(`${surveyId}\\|D\\|${lost.submittedAt.slice(0, 10)}\\|.*responses: stored \\d+, expected \\d+`));

    // Rebuild while answers arrive (and the stream keeps counting them): nothing is lost or counted twice.
    const rebuilding = cx('rebuild', '--survey', surveyId, '--from', from, '--settle', '2');
    const arriving = (async () => {
      // From the moment the rebuild holds the cells: these answers' counts go through its journal.
      await eventually(async () => (await doc().send(new GetCommand({ TableName: runtime.env.TABLE_NAME, Key: { pk: `AGGHOLD#${surveyId}`, sk: 'META' } }))).Item, 'the rebuild\'s hold', 60_000);
      for (let i = 0; i < 20; i++) {
        await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, touchpoint: 'checkout', answers: { nps: i % 11 } }) });
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const [rebuilt] = await Promise.all([rebuilding, arriving]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/Rebuilt: \d+ cell\(s\) rewritten; [1-9]\d* change\(s\) that arrived meanwhile/);
    await runtime.waitForIdle();

    const after = await cx('verify', '--survey', surveyId, '--from', from);
    expect([after.code, after.stdout]).toEqual([0, expect.stringContaining('0 difference(s)')]);
    expect(after.stdout).not.toContain('holds');
    expect(responseCounters(await storedCells(surveyId))).toEqual(recomputed(await allResponses(surveyId)));
    const journal = await doc().send(new QueryCommand({ TableName: runtime.env.TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AGGJ#${surveyId}` } }));
    expect(journal.Items).toEqual([]);
    // Answers keep counting once the rebuild is over.
    await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, touchpoint: 'checkout', answers: { nps: 10 } }) });
    await runtime.waitForIdle();
    expect(responseCounters(await storedCells(surveyId))).toEqual(recomputed(await allResponses(surveyId)));
  });
});
