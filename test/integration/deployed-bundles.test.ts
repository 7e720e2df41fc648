import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiEvent, runDeployedBundle } from '../../bench/memory';
import { eventually, sentEmails, useTestRuntime } from './support';

const local = useTestRuntime();

/**
 * The handlers as `cdk deploy` ships them (ESM, the AWS SDK bundled, source maps on): built with the stack's
 * bundling options and run in a Node process of their own against the emulators, not loaded from source.
 */
describe('deployed bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-deployed-'));

  it('ingest and the authorizer work from their ESM bundles against DynamoDB Local', async () => {
    const { runtime, api } = local;
    const answer = apiEvent({ method: 'POST', path: '/responses', body: JSON.stringify({ surveyId: 'demo', answers: { nps: 3, comment: 'from the bundle' } }), contentType: 'application/json' });
    const refused = apiEvent({ method: 'POST', path: '/responses', body: JSON.stringify({ surveyId: 'demo', answers: { nps: 11 } }), contentType: 'application/json' });
    const { results } = await runDeployedBundle(dir, 'submitResponse', [answer, refused], { ...runtime.env });
    const [accepted, invalid] = results as { statusCode: number; body: string }[];
    expect(accepted.statusCode).toBe(202);
    expect(invalid).toMatchObject({ statusCode: 400 });
    expect(JSON.parse(invalid.body).error.details).toEqual([{ field: 'answers.nps', message: 'must be at most 10' }]);
    // Stored for real: the running pipeline scores it and opens the case.
    const { id } = JSON.parse(accepted.body) as { id: string };
    const stored = await eventually(async () => {
      const { body } = await api(`/admin/responses/${id}`);
      return body?.scores?.caseOpened ? body : undefined;
    }, 'the bundle\'s response scored with a case');
    expect(stored).toMatchObject({ id, answers: { nps: 3, comment: 'from the bundle' }, channel: 'web' });

    const authorizerEvent = (key: string) => ({ type: 'REQUEST', routeKey: 'GET /admin/cases', headers: { 'x-api-key': key }, requestContext: { http: { method: 'GET', path: '/admin/cases', sourceIp: '127.0.0.1' } } });
    const verdicts = (await runDeployedBundle(dir, 'authorizer', [authorizerEvent(runtime.adminKey), authorizerEvent('cxk_not-a-key-anyone-was-given')], { ...runtime.env })).results;
    expect(verdicts).toEqual([expect.objectContaining({ isAuthorized: true, context: expect.objectContaining({ role: 'admin' }) }), { isAuthorized: false, context: {} }]);
  });

  it('a sender works from its bundle: invitations go out through the SES emulator', async () => {
    const { runtime } = local;
    const invite = apiEvent({ method: 'POST', path: '/admin/surveys/demo/invitations', body: JSON.stringify({ contacts: [{ email: 'bundle-check@example.org', name: 'Bundle' }] }), contentType: 'application/json' });
    const { results } = await runDeployedBundle(dir, 'sendInvitations', [invite], { ...runtime.env });
    const [answer] = results as { statusCode: number; body: string }[];
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body).invitations).toEqual([expect.objectContaining({ email: 'bundle-check@example.org', status: 'sent' })]);
    const mail = await eventually(async () => (await sentEmails(runtime)).find((m) => m.destination.to.includes('bundle-check@example.org')), 'the invitation in the SES emulator');
    expect(mail).toBeDefined();
  });
});
