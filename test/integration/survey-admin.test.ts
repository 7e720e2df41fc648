import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventually, runCli, surveyInput, tempFile, useTestRuntime } from './support';

jest.setTimeout(180_000);

const local = useTestRuntime();

const json = (body: unknown, headers: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers });
const create = async (overrides: Record<string, unknown> = {}) => {
  const res = await local.api('/admin/surveys', { method: 'POST', ...json(surveyInput(overrides)) });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; questions: { id: string; type: string; text: string }[] };
};
const definitionOf = (survey: Record<string, any>) => {
  const { id: _i, createdAt: _c, updatedAt: _u, archivedAt: _a, version: _v, status: _s, alertRules: _r, formUrl: _f, hiddenQuestions: _h, removedQuestions: _m, notes: _n, digestSummary: _d, ...definition } = survey;
  return definition;
};
const listIds = async (query = '', key?: string) => {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await local.api(`/admin/surveys?${new URLSearchParams({ ...(query && { include: query }), limit: '2', ...(cursor && { cursor }) })}`, key ? { key } : {});
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((s: { id: string }) => s.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
};
const documents = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.runtime.dynamodbUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));

describe('GET /admin/surveys', () => {
  it('lists surveys newest first, paginated, with status, version, response count and last answer', async () => {
    const { api } = local;
    const first = await create({ name: 'List one' });
    const second = await create({ name: 'List two', touchpoint: 'billing' });
    const answered = await api('/responses', { method: 'POST', key: null, ...json({ surveyId: first.id, answers: { nps: 9 } }) });
    expect(answered.status).toBe(202);
    const ids = await listIds();
    expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    const item = await eventually(async () => {
      const page = await api('/admin/surveys?limit=100');
      const found = page.body.items.find((s: { id: string }) => s.id === first.id);
      return found?.responseCount === 1 ? found : undefined;
    }, 'the response counted in the listing');
    expect(item).toEqual({ id: first.id, name: 'List one', touchpoint: 'support-call', status: 'active', version: 1, createdAt: expect.any(String), responseCount: 1, lastResponseAt: expect.any(String) });
    const other = (await api('/admin/surveys?limit=100')).body.items.find((s: { id: string }) => s.id === second.id);
    expect(other).toMatchObject({ responseCount: 0, lastResponseAt: null });
  });

  it('keeps a manager scoped to surveys to theirs; analysts see every survey', async () => {
    const { api } = local;
    const mine = await create({ name: 'Scoped' });
    const theirs = await create({ name: 'Not scoped' });
    const key = async (body: object) => (await api('/admin/keys', { method: 'POST', ...json(body) })).body.key as string;
    const manager = await key({ name: 'scoped lead', role: 'manager', scope: { surveys: [mine.id] } });
    const analyst = await key({ name: 'all surveys', role: 'analyst' });
    expect(await listIds('', manager)).toEqual([mine.id]);
    expect(await listIds('', analyst)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('refuses a bad include or cursor with 400 naming the field', async () => {
    const { api } = local;
    const include = await api('/admin/surveys?include=everything');
    expect(include.status).toBe(400);
    expect(include.body.error.details[0].field).toBe('include');
    const cursor = await api('/admin/surveys?cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details[0].field).toBe('cursor');
  });
});

describe('PUT /admin/surveys/{id}', () => {
  it('answers the version as ETag; needs If-Match (428), refuses a stale one (412) and bumps the version', async () => {
    const { api } = local;
    const survey = await create();
    const read = await api(`/admin/surveys/${survey.id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const definition = { ...definitionOf(read.body), name: 'Renamed' };
    const missing = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(definition) });
    expect(missing.status).toBe(428);
    expect(missing.body.error.details[0].field).toBe('If-Match');
    const stale = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(definition, { 'if-match': '"7"' }) });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'version_mismatch', details: [{ field: 'If-Match', message: 'current version is 1' }] });
    const saved = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(definition, { 'if-match': read.headers.get('etag')! }) });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"2"');
    expect(saved.body).toMatchObject({ id: survey.id, name: 'Renamed', version: 2, status: 'active' });
    expect((await api(`/admin/surveys/${survey.id}`)).body).toMatchObject({ name: 'Renamed', version: 2 });
    // The same If-Match again is now stale.
    expect((await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(definition, { 'if-match': '1' }) })).status).toBe(412);
  });

  it('of two concurrent edits from one version, one wins and the other gets 412', async () => {
    const { api } = local;
    const survey = await create();
    const definition = definitionOf((await api(`/admin/surveys/${survey.id}`)).body);
    const [a, b] = await Promise.all(
      ['Edit A', 'Edit B'].map((name) => api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json({ ...definition, name }, { 'if-match': '"1"' }) })),
    );
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? 'Edit A' : 'Edit B';
    expect((await api(`/admin/surveys/${survey.id}`)).body).toMatchObject({ name: winner, version: 2 });
  });

  it('refuses a changed question type and a bad body with 400 naming the field; an unknown survey is 404', async () => {
    const { api } = local;
    const survey = await create();
    const definition = definitionOf((await api(`/admin/surveys/${survey.id}`)).body);
    const questions = definition.questions.map((q: { id: string }) => (q.id === 'resolved' ? { id: 'resolved', type: 'text', text: 'Was it resolved?' } : q));
    const changed = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json({ ...definition, questions }, { 'if-match': '1' }) });
    expect(changed.status).toBe(400);
    expect(changed.body.error.details).toEqual([expect.objectContaining({ field: `questions.${questions.findIndex((q: { id: string }) => q.id === 'resolved')}.type` })]);
    const bad = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json({ ...definition, name: '' }, { 'if-match': '1' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('name');
    const malformed = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(definition, { 'if-match': 'latest' }) });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details[0].field).toBe('If-Match');
    expect((await api('/admin/surveys/NOSUCHSURVEY', { method: 'PUT', ...json(definition, { 'if-match': '1' }) })).status).toBe(404);
    expect((await api('/admin/surveys/NOSUCHSURVEY/archive', { method: 'POST' })).status).toBe(404);
  });

  it('hides an answered question instead of removing it: gone from the form, still in the survey; unanswered ones are removed', async () => {
    const { api } = local;
    const survey = await create();
    const definition = definitionOf((await api(`/admin/surveys/${survey.id}`)).body);
    const withoutResolved = { ...definition, questions: definition.questions.filter((q: { id: string }) => q.id !== 'resolved') };
    // No response yet: the question goes.
    const removed = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(withoutResolved, { 'if-match': '1' }) });
    expect(removed.status).toBe(200);
    expect(removed.body.removedQuestions).toEqual(['resolved']);
    expect(removed.body.questions.map((q: { id: string }) => q.id)).not.toContain('resolved');

    expect((await api('/responses', { method: 'POST', key: null, ...json({ surveyId: survey.id, answers: { nps: 8, comment: 'fine' } }) })).status).toBe(202);
    const withoutComment = { ...withoutResolved, questions: withoutResolved.questions.filter((q: { id: string }) => q.id !== 'comment') };
    const hidden = await eventually(async () => {
      // The responses index is read eventually consistently: try until the answer is seen.
      const current = (await api(`/admin/surveys/${survey.id}`)).body.version as number;
      const res = await api(`/admin/surveys/${survey.id}`, { method: 'PUT', ...json(withoutComment, { 'if-match': String(current) }) });
      return res.body?.hiddenQuestions?.length ? res : undefined;
    }, 'the comment question hidden');
    expect(hidden.status).toBe(200);
    expect(hidden.body.hiddenQuestions).toEqual(['comment']);
    expect(hidden.body.notes[0]).toContain('kept hidden');
    expect(hidden.body.questions.find((q: { id: string }) => q.id === 'comment')).toMatchObject({ hidden: true });
    const form = await api(`/s/${survey.id}`, { key: null, headers: { accept: 'text/html' } });
    expect(form.status).toBe(200);
    expect(form.text).toContain('How likely are you to recommend us?');
    expect(form.text).not.toContain('What is the main reason for your score?');
    expect(form.text).not.toContain('name="answers.comment"');
    // The response keeps its answer to the hidden question.
    const responses = await api(`/admin/responses?surveyId=${survey.id}`);
    expect(responses.body.items[0].answers).toMatchObject({ comment: 'fine' });
  });

  it('a survey stored before versions reads as version 0, is edited from If-Match 0 and then listed; cx surveys reindex lists the others', async () => {
    const { api, runtime } = local;
    const doc = documents();
    // As an early release stored it: no version, status or listing key, no language, alert thresholds only.
    const legacy = (id: string) => ({ pk: `SURVEY#${id}`, sk: 'META', entity: 'survey', ...surveyInput({ name: `Legacy ${id}` }), alert: { npsAtMost: 6, csatAtMost: 2, cesAtLeast: 5 }, id, createdAt: '2025-01-01T00:00:00.000Z' });
    for (const id of ['LEGACYSURVEY1', 'LEGACYSURVEY2']) await doc.send(new PutCommand({ TableName: runtime.env.TABLE_NAME, Item: legacy(id) }));
    const read = await api('/admin/surveys/LEGACYSURVEY1');
    expect(read.body).toMatchObject({ version: 0, status: 'active', language: 'en', alert: { enabled: true, npsAtMost: 6, acknowledgeHours: 4, slaHours: 24, commentGraceSeconds: 120 } });
    expect(read.headers.get('etag')).toBe('"0"');
    expect(await listIds()).not.toContain('LEGACYSURVEY1');
    const edited = await api('/admin/surveys/LEGACYSURVEY1', { method: 'PUT', ...json({ ...definitionOf(read.body), name: 'Legacy, edited' }, { 'if-match': '0' }) });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(1);
    expect(await listIds()).toContain('LEGACYSURVEY1');
    expect(await listIds()).not.toContain('LEGACYSURVEY2');
    const reindex = await runCli(runtime, ['surveys', 'reindex', '--endpoint', runtime.dynamodbUrl, '--table', runtime.env.TABLE_NAME]);
    expect(reindex.code).toBe(0);
    expect(reindex.stdout).toMatch(/1 survey\(s\) added/);
    expect(await listIds()).toContain('LEGACYSURVEY2');
    const item = await doc.send(new GetCommand({ TableName: runtime.env.TABLE_NAME, Key: { pk: 'SURVEY#LEGACYSURVEY2', sk: 'META' } }));
    expect(item.Item).toMatchObject({ gsi1pk: 'SURVEYS', gsi1sk: '2025-01-01T00:00:00.000Z#LEGACYSURVEY2' });
  });
});

describe('POST /admin/surveys/{id}/archive', () => {
  it('stops every intake with 410 (a page for browsers), leaves the default list, and is idempotent; unarchive takes it back', async () => {
    const { api } = local;
    const survey = await create({ name: 'To archive' });
    const archived = await api(`/admin/surveys/${survey.id}/archive`, { method: 'POST' });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', archivedAt: expect.any(String) });
    const again = await api(`/admin/surveys/${survey.id}/archive`, { method: 'POST', ...json({}) });
    expect(again.body).toMatchObject({ status: 'archived', archivedAt: archived.body.archivedAt });

    const form = await api(`/s/${survey.id}`, { key: null, headers: { accept: 'text/html' } });
    expect(form.status).toBe(410);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(form.text).toContain('This survey is closed');
    const answer = await api('/responses', { method: 'POST', key: null, ...json({ surveyId: survey.id, answers: { nps: 9 } }) });
    expect(answer.status).toBe(410);
    expect(answer.body.error).toMatchObject({ code: 'survey_archived', details: [{ field: 'surveyId' }] });
    const posted = await api('/responses', { method: 'POST', key: null, body: `surveyId=${survey.id}&answers.nps=9`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    expect(posted.status).toBe(410);
    expect(posted.text).toContain('no longer takes answers');
    const imported = await api(`/admin/surveys/${survey.id}/responses/import?channel=face-to-face`, { method: 'POST', body: 'nps\n9\n', headers: { 'content-type': 'text/csv' } });
    expect(imported.status).toBe(410);
    const invited = await api(`/admin/surveys/${survey.id}/invitations`, { method: 'POST', ...json({ contacts: [{ email: 'someone@example.com' }] }) });
    expect(invited.status).toBe(410);

    expect(await listIds()).not.toContain(survey.id);
    const everything = await api('/admin/surveys?include=archived&limit=100');
    expect(everything.body.items.find((s: { id: string }) => s.id === survey.id)).toMatchObject({ status: 'archived' });
    expect((await api(`/admin/surveys/${survey.id}`)).body.status).toBe('archived');

    const back = await api(`/admin/surveys/${survey.id}/unarchive`, { method: 'POST' });
    expect(back.body.status).toBe('active');
    expect(back.body).not.toHaveProperty('archivedAt');
    expect(await listIds()).toContain(survey.id);
    expect((await api(`/s/${survey.id}`, { key: null })).status).toBe(200);
    expect((await api(`/admin/surveys/${survey.id}/archive`, { method: 'POST', ...json({ reason: 'x' }) })).status).toBe(400);
  });
});

describe('cx surveys', () => {
  it('list, update (reading the version first, or --if-match) and archive', async () => {
    const { api, runtime } = local;
    const survey = await create({ name: 'From the CLI' });
    const listed = await runCli(runtime, ['surveys', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${survey.id}\\s+active\\s+v1 `));
    const current = (await api(`/admin/surveys/${survey.id}`)).body;
    const file = tempFile('survey.json', JSON.stringify({ ...current, name: 'Renamed from the CLI' }));
    const updated = await runCli(runtime, ['surveys', 'update', survey.id, '--file', file]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('to version 2');
    const stale = await runCli(runtime, ['surveys', 'update', survey.id, '--file', file, '--if-match', '1']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('412');
    const archived = await runCli(runtime, ['surveys', 'archive', survey.id]);
    expect(archived.stdout).toContain('is archived');
    expect((await runCli(runtime, ['surveys', 'list'])).stdout).not.toContain(survey.id);
    expect((await runCli(runtime, ['surveys', 'list', '--archived'])).stdout).toMatch(new RegExp(`${survey.id}\\s+archived\\s+v2 `));
  });
});
