import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, isAlertEmail, sentEmails, useTestRuntime } from './support';

jest.setTimeout(300_000);

/*
 * README's "Try it" and "Close the loop" run top to bottom against a fresh runtime, exactly as written (the
 * commands are read from README.md), and each stated result is checked. The steps a person does in a browser
 * (click a score in the e-mail, acknowledge on the case page) are done here over HTTP the way the page does.
 */

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const local = useTestRuntime();

/** The bash block under a heading, split into commands (continuation lines and multi-line quotes joined), each with its comment. */
function readmeCommands(heading: string): { command: string; said: string }[] {
  const from = README.indexOf(heading);
  if (from < 0) throw new Error(`README has no "${heading}"`);
  const block = /```bash\n([\s\S]*?)```/.exec(README.slice(from))![1];
  const commands: { command: string; said: string }[] = [];
  let open: string[] = [];
  let said: string[] = [];
  for (const line of block.split('\n')) {
    if (open.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) {
      if (line.trim().startsWith('#')) said.push(line.trim().replace(/^#\s?/, ''));
      continue;
    }
    open.push(line);
    const text = open.join('\n');
    const quotes = (text.match(/'/g) ?? []).length;
    if (line.endsWith('\\') || quotes % 2 === 1) continue;
    commands.push({ command: text, said: said.join(' ') });
    open = [];
    said = [];
  }
  return commands;
}

/** Runs one README command in bash, with API and KEY set to this runtime (README's own `API=…` line is skipped). */
function run(command: string): Promise<{ code: number; out: string }> {
  const { runtime } = local;
  const env = { ...process.env, API: runtime.apiUrl, KEY: runtime.adminKey, CX_API_KEY: runtime.adminKey, CX_API_URL: runtime.apiUrl };
  return new Promise((resolve) =>
    execFile('bash', ['-c', command], { cwd: ROOT, env, maxBuffer: 10_000_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` })),
  );
}

/** A person clicking `score` in the e-mail to `address`, adding a comment and sending: the one-click page's form. */
async function answerFromEmail(address: string, score: number, comment: string) {
  const mail = await eventually(async () => (await sentEmails(local.runtime)).filter((m) => m.destination.to.includes(address)).pop(), `the e-mail to ${address}`);
  const link = new RegExp(`https?://\\S+/r/\\S+\\?score=${score}\\b`).exec(mail.body.text!)![0];
  expect((await fetch(link)).status).toBe(200);
  const form = await fetch(link.split('?')[0], { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ 'answers.nps': String(score), 'answers.comment': comment }).toString() });
  expect(await form.text()).toContain('Thank you!');
}

afterAll(() => rmSync(join(ROOT, 'crm.csv'), { force: true }));

describe("README's walkthroughs, run as written", () => {
  it('"Try it": a detractor alerts within seconds, a survey is created, an invitation goes out and is answered', async () => {
    const steps = readmeCommands('### Try it');
    expect(steps.map((s) => s.command.split(/\s+/).slice(0, 5).join(' '))).toEqual([
      'API=http://127.0.0.1:3000; KEY=<the admin key printed',
      'curl -s -X POST $API/responses',
      'curl -s $API/admin/alerts -H "x-api-key:',
      'curl -s "$API/admin/responses?surveyId=demo" -H "x-api-key:',
      'curl -s -X POST $API/admin/surveys',
      'curl -s -X POST $API/admin/surveys/demo/invitations',
    ]);
    const [, detractor, alerts, responses, survey, invitation] = steps;
    expect(detractor.said).toContain('202 with the response id');
    const posted = await run(detractor.command);
    expect(JSON.parse(posted.out)).toMatchObject({ id: expect.any(String), status: 'accepted' });
    expect(alerts.said).toContain('within seconds the owner');
    await eventually(async () => (await sentEmails(local.runtime)).find((m) => isAlertEmail(m) && m.body.text?.includes('Customer: c-42')), 'the alert e-mail');
    const listed = await eventually(async () => {
      const { out } = await run(alerts.command);
      return out.includes('"customerId":"c-42"') && out;
    }, 'the case in the alert list');
    expect(listed).toContain(JSON.parse(posted.out).id);
    expect((await run(responses.command)).out).toContain(JSON.parse(posted.out).id);
    expect(JSON.parse((await run(survey.command)).out)).toMatchObject({ id: expect.any(String), touchpoint: 'delivery' });
    expect(JSON.parse((await run(invitation.command)).out).invitations).toEqual([expect.objectContaining({ email: 'bob@example.com', status: 'sent' })]);
    expect(README).toContain("click a score in Bob's e-mail, add a comment, send");
    await answerFromEmail('bob@example.com', 8, 'Quick and friendly');
  });

  it('"Close the loop": CRM import, contact fatigue, an invitation held back, the case acknowledged on its page and resolved from the CLI', async () => {
    const steps = readmeCommands('### Close the loop');
    expect(steps).toHaveLength(8);
    const [, csv, cliImport, fatigue, invite, list, resolve, show] = steps;
    expect((await run(csv.command)).code).toBe(0);
    // 1. The output README states, word for word.
    const stated = /Imported crm\.csv: [^#]*/.exec(cliImport.command)![0].trim();
    expect((await run(cliImport.command)).out).toContain(stated);
    // 2.
    expect(JSON.parse((await run(fatigue.command)).out)).toMatchObject({ invitedWithinDays: 30 });
    // 3. The first invitation goes; the second is held back as README says.
    expect(invite.said).toContain('"suppressed", "invited on …, within 30 days"');
    expect(JSON.parse((await run(invite.command)).out).invitations).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(JSON.parse((await run(invite.command)).out).invitations).toEqual([expect.objectContaining({ status: 'suppressed', reason: expect.stringMatching(/^invited on .*, within 30 days$/) })]);
    // 4. Ann clicks 2 and adds a comment.
    await answerFromEmail('ann@example.com', 2, 'Renewal price went up without notice');
    // 5. The owner's alert: "Open the case", Acknowledge.
    const alert = await eventually(async () => (await sentEmails(local.runtime)).find((m) => isAlertEmail(m) && m.body.text?.includes('Customer: c-ann')), "the owner's alert");
    expect(alert.body.text).toContain('Name: Ann\nSegment: gold');
    const caseLink = /https?:\/\/\S+\/c\/\S+/.exec(alert.body.text!)![0];
    const caseId = /Case: (\S+)/.exec(alert.body.text!)![1];
    const acknowledged = await fetch(caseLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'action=acknowledge' });
    expect(await acknowledged.text()).toContain('Acknowledged: the case is yours.');
    expect((await run(list.command)).out).toContain(`${caseId}  acknowledged`);
    // 6. Resolve from the CLI, then the history README describes.
    expect((await run(resolve.command.replace('<caseId>', caseId))).code).toBe(0);
    const shown = await run(show.command.replace('<caseId>', caseId));
    const history = `${shown.code} ${shown.out}`;
    expect(show.command).toContain('# opened, acknowledge (owner:…), resolve (api-key:…)');
    expect(history).toMatch(/opened \(system\)[\s\S]*acknowledge \(owner:owner@example\.com\)[\s\S]*resolve: resolved-with-customer \(api-key:local-admin\)/);
  });

  it('"Send events to your tools": a signed webhook and a Slack message at the receiver, a failed attempt retried, a private address refused', async () => {
    const steps = readmeCommands('### Send events to your tools');
    expect(steps).toHaveLength(9);
    const [, webhook, slack, detractor, listing, fail, second, deliveries, refused] = steps;
    const hooks = local.runtime.webhookReceiverUrl;
    const runHere = (command: string) => run(command.replaceAll('$HOOKS', hooks));
    const created = await runHere(webhook.command);
    expect(created.out).toMatch(/Signing secret \(shown once[^)]*\): whsec_/);
    const destinationId = /Created (\S+)/.exec(created.out)![1];
    expect((await runHere(slack.command)).out).toContain('Created ');
    await new Promise((r) => setTimeout(r, 1100)); // the destinations cache (DESTINATIONS_CACHE_SECONDS)
    const first = JSON.parse((await runHere(detractor.command)).out).id as string;
    expect(detractor.said).toContain('a signed case.opened ("signature valid") and a Block Kit message');
    const shown = await eventually(async () => {
      const { out } = await runHere(listing.command);
      return (out.match(/signature valid/g) ?? []).length >= 1 && out.includes('/slack') && out.includes(first) && out;
    }, 'the receiver listing');
    expect(shown).toMatch(/POST \/helpdesk → 200 {2}signature valid {2}evt_/);
    expect(shown).toContain('"blocks"');
    await runHere(fail.command);
    const second_ = JSON.parse((await runHere(second.command)).out).id as string;
    const log = await eventually(async () => {
      const { out } = await runHere(deliveries.command.replace('<destinationId>', destinationId));
      return /pending {2}1 attempt\(s\), last 500 in \d+ ms, next /.test(out) && out;
    }, 'the failed attempt in the log');
    expect(deliveries.command).toContain('pending  1 attempt(s), last 500 in … ms, next …');
    expect(log).toContain('delivered');
    // The runtime sweeps every minute; here the sweep runs by hand, with the delivery due now.
    await run(`npm run cli -- destinations replay ${destinationId} --since ${new Date(Date.now() - 60_000).toISOString()}`);
    await run('npm run cli -- replay');
    await run('npm run cli -- replay');
    const arrived = await eventually(async () => {
      const { received } = (await (await fetch(`${hooks}/store`)).json()) as { received: { path: string; status: number; body: string; signature: string }[] };
      const tries = received.filter((r) => r.path === '/helpdesk' && r.body.includes(second_));
      return tries.some((r) => r.status === 200) && tries;
    }, 'the retried delivery');
    expect(arrived.map((r) => [r.status, r.signature])).toEqual([[500, 'valid'], [200, 'valid']]);
    const refusal = JSON.parse((await runHere(refused.command)).out);
    expect(refusal.error.details[0].field).toBe('url');
  });
});
