import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newRoleId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery, type QueryValues } from '../query.js';
import {
  createRoleSchema,
  permissionsSchema,
  roleUsersSchema,
  updateRoleSchema,
  userRolesSchema,
} from '../schemas/roles.js';
import { insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, EmulatorState, Entity, Route } from '../types.js';
import { findUser } from '../users/store.js';
import { validateBody } from '../validate.js';

/**
 * Roles (RBAC) and the permission/role assignments of roles and users (mgmt-api.md §3.3, §11; OAS; the
 * recorded TestAccDataSourceUser). A role is stored as `{id, name, description?, permissions, members}`:
 * - `permissions`: `{resource_server_id, resource_server_identifier, permission_name}`;
 * - `members`: `{user_id, created_at, seq}` — the user's `created_at` when assigned and a creation number
 *   for checkpoint cursors.
 * A user's direct permissions live in `collections.userPermissions`, one entity per permission, with the
 * same user and API keys. Assignments are shown only while they are still live: the API (by id) still has
 * the scope, and the user is the same one (a user deleted and created again with the same id starts
 * without roles or permissions, as a real deletion removes its assignments), so deleting an API, a scope
 * or a user needs no bookkeeping elsewhere.
 */

const roleNotFound = () => fail(404, 'The role does not exist.');
const userNotFound = () => fail(404, 'The user does not exist.', 'inexistent_user');
/** OAS 409 for POST /roles; the same rule holds for renames. */
const roleExists = () => fail(409, 'The role already exists.');
/** The wordings users report (auth0-cli#348, terraform-provider-auth0#938); the exact suffix is a guess. */
const unknownApi = (identifier: string) => fail(404, `The resource server does not exist: '${identifier}'`);
const unknownPermission = (name: string) => fail(404, `This permission does not exist: ${name}`);
/** Offset paging on role members reaches only the first 1000 records (mgmt-api.md §2.2). */
const OFFSET_CAP = 1000;

interface Grant {
  resource_server_id: string;
  resource_server_identifier: string;
  permission_name: string;
}
interface Member {
  user_id: string;
  created_at?: string;
  seq: number;
}

export function rolesOf(state: EmulatorState): Entity[] {
  state.collections.roles ??= [];
  return state.collections.roles;
}
function userPermissionsOf(state: EmulatorState): Entity[] {
  state.collections.userPermissions ??= [];
  return state.collections.userPermissions;
}

const grantsOf = (role: Entity): Grant[] => (role.data.permissions ?? []) as unknown as Grant[];
const membersOf = (role: Entity): Member[] => (role.data.members ?? []) as unknown as Member[];

/** What every role answer shows: the stored bookkeeping stays inside. */
function roleView(e: Entity): JsonObject {
  const { id, name, description } = e.data;
  return { id: id ?? null, name: name ?? null, ...(description === undefined ? {} : { description }) };
}

/** Role lists come sorted by name (the recorded user-role list is; assignment order is not kept apart). */
const byName = (a: Entity, b: Entity): number =>
  String(a.data.name).localeCompare(String(b.data.name), 'en', { sensitivity: 'base' }) || a.seq - b.seq;

function findRole(ctx: Ctx, id: string): Entity {
  const e = rolesOf(ctx.state).find((r) => r.data.id === id);
  if (!e) throw roleNotFound();
  return e;
}

/** Path ids arrive URL-encoded (`auth0%7Cx`); an unknown user is the users endpoints' 404. */
function findUserById(ctx: Ctx, raw: string): Entity {
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw userNotFound();
  }
  const e = findUser(ctx.state, id);
  if (!e) throw userNotFound();
  return e;
}

const memberOf = (user: Entity): Omit<Member, 'seq'> => ({
  user_id: String(user.data.user_id),
  ...(typeof user.data.created_at === 'string' ? { created_at: user.data.created_at } : {}),
});

/** The member (or direct grant) still belongs to this very user, not to a deleted one with the same id. */
function isLiveUser(ctx: Ctx, m: { user_id: string; created_at?: string }): Entity | undefined {
  const user = findUser(ctx.state, m.user_id);
  if (!user) return undefined;
  if (m.created_at !== undefined && user.data.created_at !== m.created_at) return undefined;
  return user;
}

interface Scope {
  api: JsonObject;
  description?: string;
}

/** The API and scope behind a stored grant, while both exist. */
function liveScope(ctx: Ctx, g: Grant): Scope | undefined {
  const api = ctx.state.collections.resourceServers.find((r) => r.data.id === g.resource_server_id)?.data;
  if (!api) return undefined;
  const scopes = Array.isArray(api.scopes) ? (api.scopes as JsonObject[]) : [];
  const scope = scopes.find((s) => s.value === g.permission_name);
  if (!scope) return undefined;
  return { api, ...(typeof scope.description === 'string' ? { description: scope.description } : {}) };
}

/** Checks `{resource_server_identifier, permission_name}` pairs against the APIs and their scopes. */
function resolveGrants(ctx: Ctx, body: { permissions: Grant[] }): Grant[] {
  return body.permissions.map((p) => {
    const api = ctx.state.collections.resourceServers.find(
      (r) => r.data.identifier === p.resource_server_identifier,
    );
    if (!api) throw unknownApi(p.resource_server_identifier);
    const scopes = Array.isArray(api.data.scopes) ? (api.data.scopes as JsonObject[]) : [];
    if (!scopes.some((s) => s.value === p.permission_name)) throw unknownPermission(p.permission_name);
    return {
      resource_server_id: String(api.data.id),
      resource_server_identifier: p.resource_server_identifier,
      permission_name: p.permission_name,
    };
  });
}

const sameGrant = (a: Grant, b: { resource_server_identifier: string; permission_name: string }) =>
  a.resource_server_identifier === b.resource_server_identifier && a.permission_name === b.permission_name;

/** PermissionsResponsePayload, in the key order of the recorded user permissions. */
function permissionView(g: Grant, scope: Scope): JsonObject {
  return {
    permission_name: g.permission_name,
    ...(scope.description === undefined ? {} : { description: scope.description }),
    resource_server_name: (scope.api.name ?? g.resource_server_identifier) as string,
    resource_server_identifier: g.resource_server_identifier,
  };
}

const byPermission = (a: JsonObject, b: JsonObject): number =>
  String(a.resource_server_identifier).localeCompare(String(b.resource_server_identifier)) ||
  String(a.permission_name).localeCompare(String(b.permission_name));

/** Derived lists page like stored ones: wrap the items as entities in their order. */
const asEntities = (items: JsonObject[]): Entity[] => items.map((data, i) => ({ seq: i + 1, data }));
const identity = (e: Entity): JsonObject => e.data;

function offsetQuery(req: ApiRequest, extra = {}): QueryValues {
  return parseQuery(req.query, { ...OFFSET_PARAMS, ...extra });
}

// ---- /roles ----

function list(req: ApiRequest, ctx: Ctx) {
  const q = offsetQuery(req, { name_filter: { type: 'string' } });
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

function addMembers(ctx: Ctx, role: Entity, users: Entity[]): void {
  const members = membersOf(role).filter((m) => isLiveUser(ctx, m));
  for (const user of users) {
    const m = memberOf(user);
    if (members.some((x) => x.user_id === m.user_id)) continue;
    ctx.state.seq += 1;
    members.push({ ...m, seq: ctx.state.seq });
  }
  role.data.members = members as unknown as JsonObject[];
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

// ---- /users/{id}/roles ----

function rolesOfUser(ctx: Ctx, user: Entity): Entity[] {
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
function userPermissions(ctx: Ctx, user: Entity): JsonObject[] {
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

const ROLES = '/api/v2/roles';
const USERS = '/api/v2/users/{id}';
const READ_MEMBERS = ['read:users', 'read:roles', 'read:role_members'];

/** Every operation with the scopes the OAS lists for it (any one of them). */
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
