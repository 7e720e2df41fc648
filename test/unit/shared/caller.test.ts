import type { HttpEvent } from '../../../lambdas/shared/http';
import { aKeyOf, routeRoles } from '../../../lambdas/shared/caller';
import { DomainError } from '../../../lambdas/domain/kernel/errors';

/** An admin route called by a key of this role, as the authorizer hands it on. */
const eventFrom = (role: string) =>
  ({ routeKey: 'POST /admin/keys', requestContext: { authorizer: { lambda: { keyName: 'k', role, scope: role === 'manager' ? '{"touchpoints":["returns"]}' : '{}' } } } }) as unknown as HttpEvent;

async function refusalOf(role: string): Promise<string> {
  try {
    await routeRoles().before!({ event: eventFrom(role) } as never);
  } catch (error) {
    return (error as DomainError).message;
  }
  return 'allowed';
}

describe('route roles', () => {
  it('names the role with the right article', () => {
    expect(['admin', 'manager', 'analyst'].map(aKeyOf)).toEqual(['an admin key', 'a manager key', 'an analyst key']);
  });

  it('refuses a role the route does not allow in plain words', async () => {
    expect(await refusalOf('manager')).toBe('a manager key may not call POST /admin/keys; allowed: admin');
    expect(await refusalOf('analyst')).toBe('an analyst key may not call POST /admin/keys; allowed: admin');
    expect(await refusalOf('admin')).toBe('allowed');
  });
});
