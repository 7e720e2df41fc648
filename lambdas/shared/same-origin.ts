import { DomainError } from '../domain/kernel/errors';
import { publicUrl } from './config';
import { header, type HttpEvent } from './http';

/**
 * Refuses a state-changing form sent from another site (CSRF): a browser says where a POST comes from in
 * `Sec-Fetch-Site` (every current browser) and `Origin`. Without the first, the origin must be this
 * deployment's public URL or the host the request reached (`null`, an opaque origin, is not). Requests with
 * neither header come from no browser (curl, scripts) and pass.
 */
export function refuseCrossSite(event: HttpEvent): void {
  const origin = header(event, 'origin');
  const site = header(event, 'sec-fetch-site');
  const host = header(event, 'host');
  const ours = new Set([new URL(publicUrl()).origin, ...(host ? [`https://${host}`, `http://${host}`] : [])]);
  // Sec-Fetch-Site first: our pages send no referrer, so a browser posts their forms with `Origin: null`.
  const crossSite = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && !ours.has(origin);
  if (crossSite) {
    throw new DomainError(403, 'cross_site', 'this form can only be sent from its own page', [{ field: 'Origin', message: `${origin ?? site} is not this site` }]);
  }
}
