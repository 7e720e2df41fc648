import type { Command } from 'commander';
import { adminApi, CliError, type ApiOptions } from './api';
import { readJsonOrYaml } from './files';

/* `cx destinations …`: where events go besides e-mail and SNS (signed webhooks, Slack, Teams). */

const path = (id?: string) => `/admin/destinations${id ? `/${encodeURIComponent(id)}` : ''}`;
type Listed = { id: string; name: string; type: string; url: string; enabled: boolean; events: string[]; disabledReason?: string };
const line = (d: Listed) => `${d.id}  ${d.type.padEnd(7)}  ${d.enabled ? 'enabled ' : 'disabled'}  ${d.name}  ${d.url}  ${d.events.join(',')}${d.disabledReason ? `  (${d.disabledReason})` : ''}`;

export function addDestinationCommands(program: Command, withApi: (c: Command) => Command): void {
  const destinations = program.command('destinations').description('destinations for events: signed webhooks, Slack and Teams');

  withApi(destinations.command('create').description('create a destination from flags or a JSON/YAML file (the body of POST /admin/destinations); prints a webhook\'s secret once'))
    .option('--file <file>', 'the destination as JSON or YAML')
    .option('--name <name>', 'a name')
    .option('--type <type>', 'webhook, slack or teams')
    .option('--url <url>', 'the endpoint (https; locally also http://127.0.0.1)')
    .option('--events <list>', 'comma-separated events, e.g. case.opened,case.resolved')
    .action(async (options: ApiOptions & { file?: string; name?: string; type?: string; url?: string; events?: string }) => {
      const body = options.file ? await readJsonOrYaml(options.file) : { name: options.name, type: options.type, url: options.url, events: options.events?.split(',').map((e) => e.trim()).filter(Boolean) };
      const created = await adminApi(options).call<Listed & { secret?: string }>('POST', path(), body);
      console.log(`Created ${line(created)}`);
      if (created.secret) console.log(`Signing secret (shown once; receivers verify the webhook-signature header with it): ${created.secret}`);
    });

  withApi(destinations.command('list').description('every destination, one line each')).action(async (options: ApiOptions) => {
    const { items } = await adminApi(options).call<{ items: Listed[] }>('GET', path());
    if (items.length === 0) console.log('No destinations: alerts go to the owner by e-mail and to the SNS topic only.');
    for (const d of items) console.log(line(d));
  });

  withApi(destinations.command('get').description('one destination as JSON').argument('<destinationId>')).action(async (id: string, options: ApiOptions) => {
    console.log(JSON.stringify(await adminApi(options).call('GET', path(id)), null, 2));
  });

  withApi(destinations.command('update').description('replace a destination from a JSON or YAML file (its type and secrets stay)').argument('<destinationId>'))
    .requiredOption('--file <file>', 'the destination as JSON or YAML')
    .action(async (id: string, options: ApiOptions & { file: string }) => {
      console.log(`Updated ${line(await adminApi(options).call<Listed>('PUT', path(id), await readJsonOrYaml(options.file)))}`);
    });

  withApi(destinations.command('delete').description('delete a destination').argument('<destinationId>')).action(async (id: string, options: ApiOptions) => {
    await adminApi(options).call('DELETE', path(id));
    console.log(`Deleted destination ${id}.`);
  });

  withApi(destinations.command('rotate').description("a new signing secret for a webhook (printed once); the current one keeps signing beside it for 24 hours").argument('<destinationId>')).action(
    async (id: string, options: ApiOptions) => {
      const rotated = await adminApi(options).call<{ secret?: string }>('POST', `${path(id)}/rotate`, {});
      if (!rotated.secret) throw new CliError('No secret came back.');
      console.log(`New signing secret (shown once): ${rotated.secret}\nThe previous secret keeps signing beside it for 24 hours: deploy the new one to the receiver before then.`);
    },
  );

  withApi(destinations.command('deliveries').description("a destination's delivery log, newest first").argument('<destinationId>')).action(async (id: string, options: ApiOptions) => {
    type Logged = { eventId: string; type: string; createdAt: string; state: string; attempts: { at: string; status?: number; ms: number; error?: string }[]; nextAttemptAt?: string };
    const { items } = await adminApi(options).call<{ items: Logged[] }>('GET', `${path(id)}/deliveries`);
    if (items.length === 0) console.log('Nothing delivered or queued yet.');
    for (const d of items) {
      const last = d.attempts[d.attempts.length - 1];
      console.log(`${d.createdAt}  ${d.type}  ${d.eventId}  ${d.state}  ${d.attempts.length} attempt(s)${last ? `, last ${last.status ?? last.error} in ${last.ms} ms` : ''}${d.nextAttemptAt && d.state === 'pending' ? `, next ${d.nextAttemptAt}` : ''}`);
    }
  });

  withApi(destinations.command('replay').description('send a destination\'s deliveries again, with the same webhook-ids (receivers drop what they had), at the next sweep').argument('<destinationId>'))
    .option('--since <time>', 'only deliveries created since this ISO 8601 time')
    .action(async (id: string, options: ApiOptions & { since?: string }) => {
      const { requeued } = await adminApi(options).call<{ requeued: number }>('POST', `${path(id)}/replay`, options.since ? { since: options.since } : {});
      console.log(`${requeued} deliver${requeued === 1 ? 'y' : 'ies'} queued again for destination ${id}; the sweeper sends them within a minute (npm run cli -- replay sends them now).`);
    });
}
