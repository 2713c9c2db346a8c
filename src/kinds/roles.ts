import { z } from 'zod';
import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, str, builtOnce } from './common.js';
import { restCollection } from './rest.js';
import { asObjects, type Permission, permissionKey, pairsOf, permissionMap, permissionPairs, permissionPaths, permissionsSchema } from './role-permissions.js';
import { planRoles } from './roles-plan.js';
import type { KindHandler } from './types.js';

/** OAS CreateRoleRequestContent: a name (required) and a description; permissions are a sub-resource. */
const itemSchema = builtOnce(() =>
  z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    permissions: permissionsSchema.optional(),
  }),
);

const rest = restCollection({ path: '/roles', key: 'roles', idField: 'id' });
const permissionsPath = (id: string) => `/roles/${encodeURIComponent(id)}/permissions`;

async function livePermissions(api: Api, id: string): Promise<Permission[]> {
  const raw = await api.list(permissionsPath(id), 'permissions');
  return permissionPairs(raw);
}

/**
 * Makes the role's permissions exactly `want`: POST adds, DELETE removes (both take a list, so one call
 * each). The current set is read first: the change was planned against it, but another writer may have
 * moved it, and sending only the difference never touches more than needed.
 */
async function syncPermissions(api: Api, id: string, want: Permission[]): Promise<void> {
  const have = await livePermissions(api, id);
  const haveKeys = new Set(have.map(permissionKey));
  const wantKeys = new Set(want.map(permissionKey));
  const add = want.filter((p) => !haveKeys.has(permissionKey(p)));
  const remove = have.filter((p) => !wantKeys.has(permissionKey(p)));
  // DELETE first: the API caps a role's permissions, so a swap at the cap must free room before it adds.
  if (remove.length > 0)
    await api.request({ method: 'DELETE', path: permissionsPath(id), body: { permissions: asObjects(remove) } });
  if (add.length > 0)
    await api.request({ method: 'POST', path: permissionsPath(id), body: { permissions: asObjects(add) } });
}

export const roles: KindHandler = {
  kind: 'roles',
  label: 'role',
  get itemSchema() {
    return itemSchema();
  },
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: (item) =>
    permissionPaths(item.permissions).map(({ permission, path }) => ({
      kind: 'resourceServers' as const,
      key: permission.resource_server_identifier,
      scope: permission.permission_name,
      path,
    })),
  protectedReason: () => undefined,
  toApi(item) {
    const out = pick(item, ['name', 'description']);
    if (item.permissions !== undefined) out.permissions = permissionMap(permissionPairs(item.permissions));
    return out;
  },
  fromLive(live) {
    const out = pick(live, ['name', 'description']);
    out.permissions = permissionMap(permissionPairs(live.permissions));
    return out;
  },
  canonicalize(body) {
    const out = pick(body, ['name', 'description']);
    // An empty description reads back absent.
    if (out.description === '') delete out.description;
    if (body.permissions !== undefined) out.permissions = permissionMap(pairsOf(body.permissions));
    return out;
  },
  replaceFields: [],
  // Compared whole: an API dropped from the manifest loses its permissions on the role.
  mapFields: ['permissions'],
  dependsOn: ['resourceServers'],
  plan: planRoles,
  idOf: rest.idOf,
  remove: rest.remove,
  // Organizations name roles: no permissions needed.
  listRefs: rest.list,
  /** Roles, each with its permissions (GET /roles/{id}/permissions, paged like every offset list). */
  subResources: ['permissions'],
  async list(api, read) {
    const live = await rest.list(api);
    if (read && !read.has('permissions')) return live;
    return Promise.all(
      live.map(async (role) => ({ ...role, permissions: asObjects(await livePermissions(api, str(role.id))) })),
    );
  },
  async create(api, body) {
    const { permissions, ...fields } = body;
    const created = await rest.create(api, fields);
    if (pairsOf(permissions).length > 0)
      await syncPermissions(api, str(created.id), pairsOf(permissions));
    return created;
  },
  async update(api, id, body) {
    const { permissions, ...fields } = body;
    let out: JsonObject = {};
    if (Object.keys(fields).length > 0) out = await rest.update(api, id, fields);
    if (permissions !== undefined) await syncPermissions(api, id, pairsOf(permissions));
    return isObject(out) ? out : {};
  },
};
