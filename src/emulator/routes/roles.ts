import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newRoleId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import { createRoleSchema, permissionsSchema, roleUsersSchema, updateRoleSchema } from '../schemas/roles.js';
import { insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { findUser } from '../users/store.js';
import { validateBody } from '../validate.js';
import {
  addMembers,
  asEntities,
  byName,
  byPermission,
  findRole,
  grantsOf,
  identity,
  isLiveUser,
  liveScope,
  membersOf,
  OFFSET_CAP,
  offsetQuery,
  permissionView,
  resolveGrants,
  roleExists,
  rolesOf,
  roleView,
  sameGrant,
  userNotFound,
  type Grant,
} from './role-model.js';

function list(req: ApiRequest, ctx: Ctx) {
  // The deploy tool lists `type=tenant` roles; every role here is a tenant role (anchor-deploy-cli.md export).
  const q = offsetQuery(req, { name_filter: { type: 'string' }, type: { type: 'string' } });
  const filter = typeof q.name_filter === 'string' ? q.name_filter.toLowerCase() : '';
  const items = rolesOf(ctx.state)
    .filter((e) => String(e.data.name).toLowerCase().includes(filter))
    .sort(byName);
  return { status: 200, body: listResponse(items, q, { key: 'roles', checkpoint: false, view: roleView }) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody<{ name: string; description?: string }>(createRoleSchema, req.body);
  if (rolesOf(ctx.state).some((e) => e.data.name === body.name)) throw roleExists();
  const data: JsonObject = {
    id: newRoleId(),
    name: body.name,
    ...(body.description === undefined ? {} : { description: body.description }),
    permissions: [],
    members: [],
  };
  // POST /roles answers 200, not 201 (mgmt-api.md §3.3; TestAccDataSourceUser).
  return { status: 200, body: roleView(insert(ctx.state, 'roles', data)) };
}

function get(req: ApiRequest, ctx: Ctx) {
  return { status: 200, body: roleView(findRole(ctx, req.params.id as string)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = findRole(ctx, req.params.id as string);
  const body = validateBody<{ name?: string; description?: string }>(updateRoleSchema, req.body);
  if (body.name !== undefined && rolesOf(ctx.state).some((x) => x !== e && x.data.name === body.name)) {
    throw roleExists();
  }
  if (body.name !== undefined) e.data.name = body.name;
  if (body.description !== undefined) e.data.description = body.description;
  return { status: 200, body: roleView(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  // 200 `{}`, and 404 the second time (mgmt-api.md §3.3; TestAccDataSourceUser). Its assignments go with it.
  const e = findRole(ctx, req.params.id as string);
  removeWhere(ctx.state, 'roles', (x) => x === e);
  return { status: 200, body: {} };
}

// ---- /roles/{id}/permissions ----

function rolePermissions(ctx: Ctx, role: Entity): JsonObject[] {
  const out: JsonObject[] = [];
  for (const g of grantsOf(role)) {
    const scope = liveScope(ctx, g);
    if (scope) out.push(permissionView(g, scope));
  }
  return out.sort(byPermission);
}

function listRolePermissions(req: ApiRequest, ctx: Ctx) {
  const role = findRole(ctx, req.params.id as string);
  const q = offsetQuery(req);
  const items = asEntities(rolePermissions(ctx, role));
  return { status: 200, body: listResponse(items, q, { key: 'permissions', checkpoint: false, view: identity }) };
}

function addRolePermissions(req: ApiRequest, ctx: Ctx) {
  const role = findRole(ctx, req.params.id as string);
  const grants = resolveGrants(ctx, validateBody(permissionsSchema, req.body));
  // Stale grants (their API or scope is gone) are dropped; a grant already present is not doubled.
  const kept = grantsOf(role).filter((g) => liveScope(ctx, g));
  for (const g of grants) if (!kept.some((k) => sameGrant(k, g))) kept.push(g);
  role.data.permissions = kept as unknown as JsonObject[];
  // The OAS says 201 without a body; the sibling POST /users/{id}/permissions answers 201 `{}` (REC).
  return { status: 201, body: {} };
}

function removeRolePermissions(req: ApiRequest, ctx: Ctx) {
  const role = findRole(ctx, req.params.id as string);
  const body = validateBody<{ permissions: Grant[] }>(permissionsSchema, req.body);
  const kept = grantsOf(role).filter((g) => !body.permissions.some((p) => sameGrant(g, p)));
  role.data.permissions = kept as unknown as JsonObject[];
  // OAS: 200 "Role permissions successfully updated."; `{}` like DELETE /roles/{id}.
  return { status: 200, body: {} };
}

// ---- /roles/{id}/users ----

function roleUserView(user: Entity): JsonObject {
  const out: JsonObject = {};
  // RoleUser: user_id, picture, name, email (OAS).
  for (const k of ['user_id', 'picture', 'name', 'email']) {
    const v = user.data[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function listRoleUsers(req: ApiRequest, ctx: Ctx) {
  const role = findRole(ctx, req.params.id as string);
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, ...CHECKPOINT_PARAMS });
  const checkpoint = q.from !== undefined || q.take !== undefined;
  if (!checkpoint) {
    const perPage = typeof q.per_page === 'number' ? q.per_page : 50;
    const page = typeof q.page === 'number' ? q.page : 0;
    if (page * perPage + perPage > OFFSET_CAP) {
      throw fail(
        400,
        `Requesting page ${page} exceeds the allowed maximum of 1000 records. To fetch results beyond 1000, use the checkpoint pagination method.`,
      );
    }
  }
  const items: Entity[] = [];
  for (const m of membersOf(role)) {
    const user = isLiveUser(ctx, m);
    if (user) items.push({ seq: m.seq, data: roleUserView(user) });
  }
  // Checkpoint answers are `{users, next?}` (REC TestRoleManager_UsersCheckpointPagination, §2.3).
  return { status: 200, body: listResponse(items, q, { key: 'users', checkpoint: true, view: identity }) };
}

function assignRoleUsers(req: ApiRequest, ctx: Ctx) {
  const role = findRole(ctx, req.params.id as string);
  const body = validateBody<{ users: string[] }>(roleUsersSchema, req.body);
  const users = body.users.map((id) => {
    const user = findUser(ctx.state, id);
    if (!user) throw userNotFound();
    return user;
  });
  addMembers(ctx, role, users);
  // OAS: 200 "Role users successfully updated."
  return { status: 200, body: {} };
}

const ROLES = '/api/v2/roles';
const READ_MEMBERS = ['read:users', 'read:roles', 'read:role_members'];

/** Every role operation with the scopes the OAS lists for it (any one of them). */
export const roleRoutes: Route[] = [
  { method: 'GET', pattern: ROLES, scopes: ['read:roles'], handler: list },
  { method: 'POST', pattern: ROLES, scopes: ['create:roles'], handler: create },
  { method: 'GET', pattern: `${ROLES}/{id}`, scopes: ['read:roles'], handler: get },
  { method: 'PATCH', pattern: `${ROLES}/{id}`, scopes: ['update:roles'], handler: update },
  { method: 'DELETE', pattern: `${ROLES}/{id}`, scopes: ['delete:roles'], handler: remove },
  { method: 'GET', pattern: `${ROLES}/{id}/permissions`, scopes: ['read:roles'], handler: listRolePermissions },
  { method: 'POST', pattern: `${ROLES}/{id}/permissions`, scopes: ['update:roles'], handler: addRolePermissions },
  {
    method: 'DELETE',
    pattern: `${ROLES}/{id}/permissions`,
    scopes: ['update:roles'],
    handler: removeRolePermissions,
  },
  { method: 'GET', pattern: `${ROLES}/{id}/users`, scopes: READ_MEMBERS, handler: listRoleUsers },
  {
    method: 'POST',
    pattern: `${ROLES}/{id}/users`,
    scopes: ['update:roles', 'create:role_members'],
    handler: assignRoleUsers,
  },
];
