import type { Kind } from '../types.js';
import type { KindCatalog, VariantCatalog } from './field.js';
import { clientGrantsCatalog } from './clientGrants.js';
import { clientsCatalog } from './clients.js';
import { connectionsCatalog, connectionsVariants } from './connections.js';
import { networkAclsCatalog } from './networkAcls.js';
import { organizationsCatalog } from './organizations.js';
import { resourceServersCatalog } from './resourceServers.js';
import { rolesCatalog } from './roles.js';
import { tenantCatalog } from './tenant.js';
import { usersCatalog } from './users.js';

/** Every kind the spec gives request bodies for (signing keys have none: their policy is ours). */
export const CATALOGS: Partial<Record<Kind, KindCatalog>> = {
  tenant: tenantCatalog,
  resourceServers: resourceServersCatalog,
  clients: clientsCatalog,
  clientGrants: clientGrantsCatalog,
  connections: connectionsCatalog,
  networkAcls: networkAclsCatalog,
  roles: rolesCatalog,
  users: usersCatalog,
  organizations: organizationsCatalog,
};

/** Fields whose shape depends on another field's value. */
export const VARIANTS: Partial<Record<Kind, VariantCatalog>> = { connections: connectionsVariants };
