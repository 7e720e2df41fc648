import { routes, type ApiKeyRole } from '../../lambdas/pipeline';
import { eventually, surveyInput, useTestRuntime } from './support';

jest.setTimeout(120_000);

const local = useTestRuntime();

interface Fixture {
  keys: Record<'manager' | 'analyst' | 'revoked', string>;
  ids: Record<string, string>;
  caseInB: string;
  responseInB: string;
}
const fixture = {} as Fixture;

/** A detractor response on `surveyId` for `customerId`, and the case the stream opens for it. */
async function detractor(surveyId: string, customerId: string) {
  const { api } = local;
  const id = (await api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId, customerId, answers: { nps: 2, comment: 'slow' } }) })).body.id as string;
  const caseId = await eventually(
    async () => (await api(`/admin/customers/${customerId}`)).body?.openCases?.find((c: { responseId: string }) => c.responseId === id)?.id as string | undefined,
    `the case of ${id}`,
  );
  return { id, caseId };
}

beforeAll(async () => {
  const { api } = local;
  const surveyA = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'support-call' })) })).body.id as string;
  const surveyB = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'billing' })) })).body.id as string;
  await api('/admin/customers/import', { method: 'POST', body: 'customerId,segment\nrole-cust,gold\n', headers: { 'content-type': 'text/csv' } });
  const inA = await detractor(surveyA, 'role-cust');
  const inB = await detractor(surveyB, 'role-cust');
  const create = async (body: object) => {
    const res = await api('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return res.body as { key: string; keyId: string };
  };
  const manager = await create({ name: 'support lead', role: 'manager', scope: { surveys: [surveyA] } });
  const analyst = await create({ name: 'insights', role: 'analyst' });
  const revoked = await create({ name: 'leaver', role: 'admin' });
  expect((await api(`/admin/keys/${revoked.keyId}`, { method: 'DELETE' })).body).toMatchObject({ keyId: revoked.keyId, revokedAt: expect.any(String) });
  const throwaway = await create({ name: 'to revoke in the matrix', role: 'analyst' });
  fixture.keys = { manager: manager.key, analyst: analyst.key, revoked: revoked.key };
  fixture.ids = { surveyId: surveyA, responseId: inA.id, caseId: inA.caseId, customerId: 'role-cust', keyId: throwaway.keyId, phoneNumber: '+15005550199' };
  fixture.caseInB = inB.caseId;
  fixture.responseInB = inB.id;
});

describe('API keys', () => {
  it('are listed without their secret or hash, and a revoked key is refused at once', async () => {
    const { api } = local;
    const listed = await api('/admin/keys');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k: { name: string; role: string }) => `${k.name}:${k.role}`)).toEqual(expect.arrayContaining(['support lead:manager', 'insights:analyst', 'leaver:admin']));
    for (const key of Object.values(fixture.keys)) expect(listed.text).not.toContain(key);
    expect(listed.text).not.toContain('keyHash');
    expect((await api('/admin/cases', { key: fixture.keys.revoked })).status).toBe(403);
  });

  it('refuse a manager without a scope, a scope on an admin, and unknown fields, naming the field', async () => {
    const { api } = local;
    const refused = async (body: object, field: string) => {
      const res = await api('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await refused({ name: 'm', role: 'manager' }, 'scope');
    await refused({ name: 'a', role: 'admin', scope: { surveys: ['x'] } }, 'scope');
    await refused({ name: 'r', role: 'root' }, 'role');
    await refused({ name: 'm', role: 'manager', scope: { surveys: ['x'], regions: ['eu'] } }, 'scope');
    expect((await api('/admin/keys/zzzz', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('a manager works within their scope', () => {
  const asManager = (path: string, init: RequestInit = {}) => local.api(path, { ...init, key: fixture.keys.manager });

  it('gets full pages of the responses they may see, however many others come first', async () => {
    const { api } = local;
    const survey = (await api('/admin/surveys', { method: 'POST', body: JSON.stringify(surveyInput({ touchpoint: 'store' })) })).body.id as string;
    const post = (touchpoint: string, nps: number) => api('/responses', { method: 'POST', key: null, body: JSON.stringify({ surveyId: survey, touchpoint, answers: { nps } }) });
    for (let i = 0; i < 3; i++) await post('store', 7 + i);
    // Newer answers of another touchpoint, more than a page of them.
    for (let i = 0; i < 60; i++) await post('web-desk', 9);
    const key = (await api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'store lead', role: 'manager', scope: { touchpoints: ['store'] } }) })).body.key;
    const first = await api(`/admin/responses?surveyId=${survey}&limit=2`, { key });
    expect(first.body.items.map((r: { touchpoint: string }) => r.touchpoint)).toEqual(['store', 'store']);
    expect(first.body.nextCursor).toBeDefined();
    const second = await api(`/admin/responses?surveyId=${survey}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { key });
    expect(second.body.items.map((r: { touchpoint: string }) => r.touchpoint)).toEqual(['store']);
    expect(second.body.nextCursor).toBeUndefined();
    expect(new Set([...first.body.items, ...second.body.items].map((r: { id: string }) => r.id)).size).toBe(3);
  });

  it('reads and acts on the cases and responses of their surveys; the others read as absent', async () => {
    expect((await asManager(`/admin/cases/${fixture.ids.caseId}`)).status).toBe(200);
    expect((await asManager(`/admin/cases/${fixture.caseInB}`)).status).toBe(404);
    expect((await asManager(`/admin/responses/${fixture.responseInB}`)).status).toBe(404);
    const ack = (id: string) => asManager(`/admin/cases/${id}/actions`, { method: 'POST', body: JSON.stringify({ action: 'acknowledge' }) });
    expect((await ack(fixture.caseInB)).status).toBe(404);
    const acknowledged = await ack(fixture.ids.caseId);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.history.at(-1)).toMatchObject({ action: 'acknowledge', by: 'api-key:support lead' });

    const listed = (await asManager('/admin/cases')).body.items.map((c: { id: string }) => c.id);
    expect(listed).toContain(fixture.ids.caseId);
    expect(listed).not.toContain(fixture.caseInB);
    // Every scope dimension at once, beside a filter: the store's filter expression holds together.
    const wide = (await local.api('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'wide', role: 'manager', scope: { surveys: [fixture.ids.surveyId], touchpoints: ['support-call'], teams: ['nobody'] } }) })).body.key;
    const filtered = await local.api('/admin/cases?status=acknowledged', { key: wide });
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.map((c: { id: string }) => c.id)).toEqual([fixture.ids.caseId]);
    const all = (await local.api('/admin/cases')).body.items.map((c: { id: string }) => c.id);
    expect(all).toEqual(expect.arrayContaining([fixture.ids.caseId, fixture.caseInB]));
  });

  it('sees a customer only through their scope, and cannot list or export another survey', async () => {
    const customer = (await asManager('/admin/customers/role-cust')).body;
    expect(customer.responses.map((r: { id: string }) => r.id)).toEqual([fixture.ids.responseId]);
    expect(JSON.stringify(customer)).not.toContain(fixture.caseInB);
    const surveyB = (await local.api(`/admin/cases/${fixture.caseInB}`)).body.surveyId as string;
    for (const path of [`/admin/responses?surveyId=${surveyB}`, `/admin/surveys/${surveyB}/responses/export`, `/admin/surveys/${surveyB}`]) {
      const res = await asManager(path);
      expect(res.status).toBe(403);
      expect(res.body.error.details[0].field).toBe('surveyId');
    }
    expect((await asManager(`/admin/surveys/${fixture.ids.surveyId}/responses/export?format=jsonl`)).text).toContain(fixture.ids.responseId);
  });
});

describe('every admin route × every role', () => {
  /** A request that reaches the handler for each route: path parameters of this test's data, a minimal body. */
  const requestFor = (route: (typeof routes)[number]) => {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fixture.ids[name] ?? 'unknown'));
    const query = route.path === '/admin/responses' ? `?surveyId=${fixture.ids.surveyId}` : '';
    return { path: path + query, init: { method: route.method, ...(route.method !== 'GET' && route.method !== 'DELETE' && { body: '{}' }) } };
  };
  const adminRoutes = routes.filter((r): r is Extract<(typeof routes)[number], { auth: 'apiKey' }> => r.auth === 'apiKey');

  it.each(['analyst', 'manager', 'admin'] as const)('%s: allowed routes answer without 403 and below 500, the others 403 naming the key', async (role: ApiKeyRole) => {
    expect(adminRoutes.length).toBeGreaterThan(20);
    const outcomes: string[] = [];
    for (const route of adminRoutes) {
      const { path, init } = requestFor(route);
      const res = await local.api(path, { ...init, ...(role !== 'admin' && { key: fixture.keys[role] }) });
      const allowed = route.roles.includes(role);
      const ok = allowed ? res.status !== 403 && res.status < 500 : res.status === 403 && res.body?.error?.code === 'forbidden' && res.body.error.details[0].field === 'x-api-key';
      if (!ok) outcomes.push(`${route.method} ${route.path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(outcomes).toEqual([]);
  });

  it('a revoked key and no key are refused on every admin route', async () => {
    for (const route of adminRoutes) {
      const { path, init } = requestFor(route);
      expect([route.path, (await local.api(path, { ...init, key: fixture.keys.revoked })).status]).toEqual([route.path, 403]);
      expect([route.path, (await local.api(path, { ...init, key: null })).status]).toEqual([route.path, 403]);
    }
  });
});
