import { spawnSync } from 'node:child_process';
import { contract } from '../../../lambdas/api-contract';
import { routes } from '../../../lambdas/pipeline';
import { documentedRoutes, isGreedy, openApiDocument } from '../../../lambdas/shared/openapi';
import { DELIVERED_EVENTS } from '../../../lambdas/domain/destinations/destinations';
import { EVENT_SCHEMAS } from '../../../lambdas/domain/destinations/event-schemas';
import { caseEvent, eventEnvelope, responseEventData } from '../../../lambdas/domain/destinations/events';
import { alertCase } from '../support/alert-case';
import { NOW, response } from '../support/fixtures';

const document = openApiDocument('https://api.example.org');
type Operation = { operationId: string; requestBody?: { content: Record<string, { schema: unknown }> }; 'x-roles'?: string[]; security?: unknown[]; parameters?: { name: string; in: string; required: boolean }[] };
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Operation })));

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (checked against the specification\'s own schema)', () => {
    // The validator is an ES module; it runs in its own Node process.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      let text = ''; for await (const chunk of process.stdin) text += chunk;
      const result = await new Validator().validate(JSON.parse(text));
      process.stdout.write(JSON.stringify({ valid: result.valid, version: new Validator().version, errors: result.errors ?? [] }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), encoding: 'utf8', cwd: process.cwd() });
    const result = JSON.parse(run.stdout || '{}');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ valid: true });
  });

  it('has exactly the routes the pipeline declares, each once, with unique operation ids', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(documentedRoutes().map((r) => `${r.method} ${r.path}`).sort());
    expect(operations.map((o) => o.key)).toEqual(expect.arrayContaining(routes.filter((r) => !isGreedy(r)).map((r) => `${r.method} ${r.path}`)));
    // Nothing the contract describes is left out (a path no route serves would be).
    expect(operations.map((o) => o.key)).toEqual(expect.arrayContaining(Object.keys(contract)));
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('lists each report at its own path with its query, beside the one route that serves them all', () => {
    const reports = operations.filter((o) => o.key.startsWith('GET /admin/reports/')).map((o) => o.key);
    expect(reports.sort()).toEqual(['cases', 'export', 'funnel', 'summary', 'themes', 'trend', '{report}'].map((r) => `GET /admin/reports/${r}`).sort());
    expect(routes.filter((r) => r.path.startsWith('/admin/reports/')).map((r) => r.path)).toEqual(['/admin/reports/{report}']);
    const summary = operations.find((o) => o.key === 'GET /admin/reports/summary')!.op;
    expect(summary.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['surveyId', 'from', 'to', 'groupBy']));
    expect(summary['x-roles']).toEqual(['admin', 'manager', 'analyst']);
    const themes = operations.find((o) => o.key === 'GET /admin/reports/themes')!.op as Operation & { responses: Record<string, { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> }> };
    expect(themes.parameters?.map((p) => p.name).sort()).toEqual(['channel', 'from', 'surveyId', 'to', 'touchpoint']);
    expect(Object.keys(themes.responses['200'].content['application/json'].schema?.properties ?? {})).toEqual(expect.arrayContaining(['analysed', 'sentiment', 'themes', 'suggestions', 'previous']));
    const generic = operations.find((o) => o.key === 'GET /admin/reports/{report}')!.op;
    expect(generic.parameters?.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['report']);
  });

  it('lists each dashboard page at its own path: the greedy routes that serve them are not paths of their own', () => {
    expect(routes.filter(isGreedy).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /dashboard/{page+}', 'POST /dashboard/{page+}']);
    const pages = operations.filter((o) => o.key.split(' ')[1].startsWith('/dashboard')).map((o) => o.key);
    expect(pages.sort()).toEqual(
      ['GET /dashboard', 'POST /dashboard/session', 'POST /dashboard/sign-out', 'GET /dashboard/cases', 'GET /dashboard/responses', 'GET /dashboard/destinations', 'GET /dashboard/cases/{caseId}', 'POST /dashboard/cases/{caseId}'].sort(),
    );
    const casePage = operations.find((o) => o.key === 'GET /dashboard/cases/{caseId}')!.op;
    expect(casePage.parameters?.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['caseId']);
    expect(casePage.security).toBeUndefined();
  });

  it('describes every route that takes a body with the schema its handler validates with, and marks the API-key routes with their roles', () => {
    for (const route of documentedRoutes()) {
      const key = `${route.method} ${route.path}`;
      const op = operations.find((o) => o.key === key)!.op;
      if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') {
        expect([key, contract[key as keyof typeof contract]?.body !== undefined]).toEqual([key, true]);
        expect(Object.keys(op.requestBody!.content).length).toBeGreaterThan(0);
      }
      if (route.auth === 'apiKey') expect([key, op['x-roles']]).toEqual([key, route.roles]);
      else expect(op.security).toBeUndefined();
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
    }
  });

  it('names the request schemas, with the limits the API enforces', () => {
    const schemas = document.components.schemas as Record<string, { properties?: Record<string, { maxLength?: number; enum?: string[] }> }>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['SurveyInput', 'AlertRules', 'AlertCondition', 'CaseAction', 'WebSubmission', 'NewApiKey', 'Error']));
    expect(schemas.NewApiKey.properties?.role?.enum).toEqual(['admin', 'manager', 'analyst']);
    const cases = operations.find((o) => o.key === 'GET /admin/cases')!.op;
    expect(cases.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'owner', 'order', 'since']));
  });

  it('documents each event a webhook destination receives, with the Standard Webhooks headers, under `webhooks`', () => {
    const webhooks = (document as unknown as { webhooks: Record<string, { post: { parameters: { name: string }[]; requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } } } } }> }).webhooks;
    expect(Object.keys(webhooks)).toEqual(DELIVERED_EVENTS);
    for (const event of Object.values(webhooks)) {
      expect(event.post.parameters.map((p) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      const schema = event.post.requestBody.content['application/json'].schema;
      expect(schema.required).toEqual(['type', 'version', 'id', 'occurredAt', 'data']);
    }
    expect(JSON.stringify(webhooks['case.opened'])).toContain('caseUrl');
  });

  it('matches what the service sends: real payloads parse under the documented schemas, with nothing extra', () => {
    const kase = alertCase('x'.repeat(1500), { team: 'care', acknowledgedAt: NOW.toISOString(), escalationLevel: 1 });
    const sent = [
      caseEvent('case.opened', kase, 'https://cx.example.org/c/token', NOW),
      caseEvent('case.resolved', { ...kase, status: 'resolved', resolvedAt: NOW.toISOString() }, 'https://cx.example.org/c/token', NOW),
      eventEnvelope('response.completed', responseEventData({ ...response({ nps: 9, comment: 'fine' }), customerId: 'c-1' }, 'fine'), { subjectId: 'r1', sequence: 1, occurredAt: NOW }),
    ];
    for (const event of sent) {
      const parsed = EVENT_SCHEMAS[event.type as keyof typeof EVENT_SCHEMAS].safeParse(JSON.parse(JSON.stringify(event)));
      expect(parsed.error?.issues).toBeUndefined();
    }
    expect(EVENT_SCHEMAS['case.opened'].safeParse({ ...JSON.parse(JSON.stringify(sent[0])), apiKey: 'x' }).success).toBe(false);
  });
});
