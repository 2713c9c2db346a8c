import { clientGrantRoutes } from './routes/client-grants.js';
import { clientRoutes } from './routes/clients.js';
import { connectionProvisioningRoutes } from './routes/connection-provisioning.js';
import { connectionRoutes } from './routes/connections.js';
import { connectionDirectoryRoutes } from './routes/connection-directory.js';
import { connectionKeyRoutes } from './routes/connection-keys.js';
import { connectionScimRoutes } from './routes/connection-scim.js';
import { credentialRoutes } from './routes/credentials.js';
import { networkAclRoutes } from './routes/network-acls.js';
import { organizationRoutes } from './routes/organizations.js';
import { resourceServerRoutes } from './routes/resource-servers.js';
import { roleRoutes } from './routes/roles.js';
import { userEffectiveRoutes } from './routes/user-effective.js';
import { groupRoutes } from './routes/groups.js';
import { userAuthMethodRoutes } from './routes/user-auth-methods.js';
import { userIdentityRoutes } from './routes/user-identities.js';
import { userRoleRoutes } from './routes/user-roles.js';
import { userSessionRoutes } from './routes/user-sessions.js';
import { signingKeyRoutes } from './routes/signing-keys.js';
import { tenantSettingsRoutes } from './routes/tenant-settings.js';
import { jobRoutes } from './routes/jobs.js';
import { userRoutes } from './routes/users.js';
import { normalisePath } from './stats.js';
import type { Route } from './types.js';

/** Every /api/v2 operation the emulator serves. */
export const ROUTES: readonly Route[] = [
  ...resourceServerRoutes,
  ...clientRoutes,
  ...credentialRoutes,
  ...clientGrantRoutes,
  ...connectionRoutes,
  ...connectionProvisioningRoutes,
  ...connectionScimRoutes,
  ...connectionKeyRoutes,
  ...connectionDirectoryRoutes,
  ...networkAclRoutes,
  ...signingKeyRoutes,
  ...tenantSettingsRoutes,
  ...organizationRoutes,
  ...userRoutes,
  ...roleRoutes,
  ...userRoleRoutes,
  ...userEffectiveRoutes,
  ...userSessionRoutes,
  ...userAuthMethodRoutes,
  ...userIdentityRoutes,
  ...groupRoutes,
  ...jobRoutes,
];

export interface Match {
  route: Route;
  params: Record<string, string>;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const g = got[i] as string;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

export function matchRoute(method: string, path: string): Match | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** `GET /api/v2/clients/{id}` style key: the route template when one matches, else a normalised path. */
export function routeKey(method: string, path: string): string {
  const match = matchRoute(method, path);
  const template = match ? match.route.pattern.replace(/\{[^}]+\}/g, '{id}') : normalisePath(path);
  return `${method} ${template}`;
}
