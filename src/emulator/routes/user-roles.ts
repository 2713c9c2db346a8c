import type { JsonObject } from '../../json.js';
import { listResponse } from '../pagination.js';
import { permissionsSchema, userRolesSchema } from '../schemas/roles.js';
import { insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';
import {
  addMembers,
  asEntities,
  byName,
  byPermission,
  findRole,
  findUserById,
  grantsOf,
  identity,
  isLiveUser,
  liveScope,
  memberOf,
  membersOf,
  offsetQuery,
  permissionView,
  resolveGrants,
  rolesOf,
  roleView,
  sameGrant,
  userPermissionsOf,
  type Grant,
  type Member,
} from './role-model.js';

/** A user's roles and direct permissions (`/users/{id}/roles`, `/users/{id}/permissions`); see role-model.ts. */
export function rolesOfUser(ctx: Ctx, user: Entity): Entity[] {
  const id = String(user.data.user_id);
  return rolesOf(ctx.state)
    .filter((r) => membersOf(r).some((m) => m.user_id === id && isLiveUser(ctx, m) === user))
    .sort(byName);
}

function listUserRoles(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const q = offsetQuery(req);
  return {
    status: 200,
    body: listResponse(rolesOfUser(ctx, user), q, { key: 'roles', checkpoint: false, view: roleView }),
  };
}

function assignUserRoles(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const body = validateBody<{ roles: string[] }>(userRolesSchema, req.body);
  const roles = body.roles.map((id) => findRole(ctx, id));
  for (const role of roles) addMembers(ctx, role, [user]);
  return { status: 204 };
}

function removeUserRoles(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const body = validateBody<{ roles: string[] }>(userRolesSchema, req.body);
  const id = String(user.data.user_id);
  for (const role of rolesOf(ctx.state)) {
    if (!body.roles.includes(String(role.data.id))) continue;
    role.data.members = membersOf(role).filter((m) => m.user_id !== id) as unknown as JsonObject[];
  }
  return { status: 204 };
}

// ---- /users/{id}/permissions ----

function directGrants(ctx: Ctx, user: Entity): Entity[] {
  return userPermissionsOf(ctx.state).filter(
    (e) => e.data.user_id === user.data.user_id && isLiveUser(ctx, e.data as unknown as Member) === user,
  );
}

/**
 * Direct permissions and those that come with the user's roles, one entry per permission with every
 * source: `{source_id: '', source_name: '', source_type: 'DIRECT'}` as recorded, or the role's id and name
 * with `ROLE` (OAS UserPermissionSchema `sources`).
 */
export function userPermissions(ctx: Ctx, user: Entity): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  const add = (g: Grant, source: JsonObject) => {
    const scope = liveScope(ctx, g);
    if (!scope) return;
    const key = `${g.resource_server_identifier}\n${g.permission_name}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { ...permissionView(g, scope), sources: [] };
      byKey.set(key, entry);
    }
    (entry.sources as JsonObject[]).push(source);
  };
  for (const e of directGrants(ctx, user)) {
    add(e.data as unknown as Grant, { source_id: '', source_name: '', source_type: 'DIRECT' });
  }
  for (const role of rolesOfUser(ctx, user)) {
    const source = { source_id: String(role.data.id), source_name: String(role.data.name), source_type: 'ROLE' };
    for (const g of grantsOf(role)) add(g, source);
  }
  return [...byKey.values()].sort(byPermission);
}

function listUserPermissions(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const q = offsetQuery(req);
  const items = asEntities(userPermissions(ctx, user));
  return { status: 200, body: listResponse(items, q, { key: 'permissions', checkpoint: false, view: identity }) };
}

function addUserPermissions(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const grants = resolveGrants(ctx, validateBody(permissionsSchema, req.body));
  const existing = directGrants(ctx, user).map((e) => e.data as unknown as Grant);
  for (const g of grants) {
    if (existing.some((k) => sameGrant(k, g) && liveScope(ctx, k))) continue;
    insert(ctx.state, 'userPermissions', { ...memberOf(user), ...g });
    existing.push(g);
  }
  // 201 with `{}` (TestAccDataSourceUser).
  return { status: 201, body: {} };
}

function removeUserPermissions(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const body = validateBody<{ permissions: Grant[] }>(permissionsSchema, req.body);
  const id = user.data.user_id;
  removeWhere(
    ctx.state,
    'userPermissions',
    (e) => e.data.user_id === id && body.permissions.some((p) => sameGrant(e.data as unknown as Grant, p)),
  );
  return { status: 204 };
}


const USERS = '/api/v2/users/{id}';
const READ_MEMBERS = ['read:users', 'read:roles', 'read:role_members'];

/** Every user-role operation with the scopes the OAS lists for it (any one of them). */
export const userRoleRoutes: Route[] = [
  { method: 'GET', pattern: `${USERS}/roles`, scopes: READ_MEMBERS, handler: listUserRoles },
  {
    method: 'POST',
    pattern: `${USERS}/roles`,
    scopes: ['update:users', 'create:role_members'],
    handler: assignUserRoles,
  },
  {
    method: 'DELETE',
    pattern: `${USERS}/roles`,
    scopes: ['update:users', 'delete:role_members'],
    handler: removeUserRoles,
  },
  { method: 'GET', pattern: `${USERS}/permissions`, scopes: ['read:users'], handler: listUserPermissions },
  { method: 'POST', pattern: `${USERS}/permissions`, scopes: ['update:users'], handler: addUserPermissions },
  {
    method: 'DELETE',
    pattern: `${USERS}/permissions`,
    scopes: ['update:users'],
    handler: removeUserPermissions,
  },
];
