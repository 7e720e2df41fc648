import Module from 'node:module';
import { bundleAliases } from '../lib/bundle-aliases';

/**
 * The handlers run here as a deployed function without X-Ray tracing runs them: the Powertools Tracer is the
 * pass-through its bundle gets (the aliases tracing adds or removes, lib/bundle-aliases.ts). The real Tracer
 * would load the X-Ray SDK, whose context tracks every promise of the process with an async hook: about 8 % of
 * the runtime's CPU per response (`npm run bench`), for traces nothing here collects. The other aliases stay
 * off: the runtime keeps the SDK's whole credential chain. Under Jest, which resolves modules itself, this
 * changes nothing.
 */
function tracerOffAliases(): Map<string, string> {
  const withTracing = bundleAliases({ tracing: true });
  return new Map(Object.entries(bundleAliases({ tracing: false })).filter(([from, to]) => withTracing[from] !== to));
}

const aliases = tracerOffAliases();
type Resolve = (request: string, ...rest: unknown[]) => string;
const resolvable = Module as unknown as { _resolveFilename: Resolve };
const resolve = resolvable._resolveFilename;
// Node has no public hook for CommonJS resolution before v22 (module.registerHooks); tsx and module-alias patch the same function.
resolvable._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolve.call(this, aliases.get(request) ?? request, ...rest);
};
