import { clientGrants } from './client-grants.js';
import { clients } from './clients.js';
import { connections } from './connections.js';
import { networkAcls } from './network-acls.js';
import { organizations } from './organizations.js';
import { resourceServers } from './resource-servers.js';
import { roles } from './roles.js';
import { signingKeys } from './signing-keys.js';
import { tenant } from './tenant.js';
import { users } from './users.js';
import type { Kind, KindHandler } from './types.js';

export { KINDS, type Kind, type KindContext, type KindHandler } from './types.js';

/** The exhaustive registry: adding a Kind without a handler fails to compile. */
export const handlers = {
  tenant,
  resourceServers,
  clients,
  clientGrants,
  organizations,
  connections,
  networkAcls,
  signingKeys,
  users,
  roles,
} satisfies Record<Kind, KindHandler>;

export function handlerFor(kind: Kind): KindHandler {
  return handlers[kind];
}
