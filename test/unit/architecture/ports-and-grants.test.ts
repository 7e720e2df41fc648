import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { relativeImports } from '../support/source-files';
import { handlers, handlersInUse, type HandlerName, type TableAccess } from '../../../lambdas/pipeline';

/**
 * The ports a handler builds (lambdas/shared/dependencies.ts) against the table grants its pipeline entry
 * declares: a handler that uses a port holds a grant on that port's items. The local runtime does not enforce
 * IAM, so without this check a port used without its grant would fail only in AWS (AccessDenied).
 */
const ROOT = resolve(__dirname, '../../..');

/** The key prefixes (items, or index partitions) each adapter factory reads or writes. */
const PORT_ITEMS: Record<string, readonly string[]> = {
  surveyStore: ['SURVEY#', 'index:SURVEYS'],
  responseStore: ['RESPONSE#', 'index:SURVEY#', 'index:PENDING#'],
  caseStore: ['ALERT#', 'index:CASES#', 'index:DUE#'],
  invitationStore: ['INVITATION#'],
  suppressionStore: ['SUPPRESS#'],
  fatigueSettingsStore: ['SETTINGS#'],
  customerStore: ['CUSTOMER#'],
  contactHistoryStore: ['CONTACT#'],
  apiKeyStore: ['APIKEY#', 'index:APIKEYS'],
  apiKeyLookup: ['APIKEY#'],
  phoneStore: ['CONVERSATION#', 'PHONEROUTE#', 'PHONE#'],
  aggregateStore: ['AGG#', 'AGGDONE#', 'AGGHOLD#', 'AGGJ#'],
  erasureStore: ['CUSTOMER#', 'AUDIT#', 'ERASED#'],
  replayGuard: ['WEBHOOKJTI#'],
  dashboardSessions: ['SESSIONS#'],
  destinationStore: ['DESTINATION#', 'index:DESTINATIONS'],
  deliveryStore: ['DELIVERY#', 'index:DLVDUE#'],
  metricWatchStore: ['METRIC#', 'METRICRUN#'],
  digestClaims: ['DIGEST#'],
};

/** Every file a handler reaches through relative imports inside lambdas/handlers and lambdas/shared. */
function reach(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const target of relativeImports(file)) if (/lambdas\/(handlers|shared)\//.test(target)) reach(target, seen);
  return seen;
}

const portsUsedBy = (name: HandlerName) =>
  new Set([...reach(join(ROOT, handlers[name].entry))].flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b(\w+)\(\)/g)].map((m) => m[1]).filter((f) => f in PORT_ITEMS)));

function grantedItems(table: TableAccess | undefined): Set<string> {
  if (!table) return new Set();
  const items = [...(table.read ?? []), ...(table.write ?? []), ...(table.delete ?? []), ...(table.queryItems ?? [])];
  const partitions = Object.values(table.query ?? {}).flatMap((prefixes) => (prefixes ?? []).map((p) => `index:${p}`));
  return new Set([...items, ...partitions]);
}

describe('ports and grants', () => {
  it('knows every adapter factory of lambdas/shared/dependencies.ts', () => {
    const factories = [...readFileSync(join(ROOT, 'lambdas/shared/dependencies.ts'), 'utf8').matchAll(/^export const (\w+) =/gm)].map((m) => m[1]);
    expect(factories.sort()).toEqual(Object.keys(PORT_ITEMS).sort());
  });

  it.each(handlersInUse())('%s holds a grant on the items of every port it uses', (name) => {
    const granted = grantedItems((handlers[name].access as { table?: TableAccess }).table);
    const missing = [...portsUsedBy(name)].filter((port) => !PORT_ITEMS[port].some((item) => granted.has(item)));
    expect(missing).toEqual([]);
  });
});
