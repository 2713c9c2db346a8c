import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { OFFSET_PARAMS, parseQuery, type QueryValues } from '../query.js';
import type { ApiRequest, Ctx, EmulatorState, Entity } from '../types.js';
import { findUser } from '../users/store.js';

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

export const roleNotFound = () => fail(404, 'The role does not exist.');
export const userNotFound = () => fail(404, 'The user does not exist.', 'inexistent_user');
/** OAS 409 for POST /roles; the same rule holds for renames. */
export const roleExists = () => fail(409, 'The role already exists.');
/** The wordings users report (auth0-cli#348, terraform-provider-auth0#938); the exact suffix is a guess. */
export const unknownApi = (identifier: string) => fail(404, `The resource server does not exist: '${identifier}'`);
export const unknownPermission = (name: string) => fail(404, `This permission does not exist: ${name}`);
/** Offset paging on role members reaches only the first 1000 records (mgmt-api.md §2.2). */
export const OFFSET_CAP = 1000;

export interface Grant {
  resource_server_id: string;
  resource_server_identifier: string;
  permission_name: string;
}
export interface Member {
  user_id: string;
  created_at?: string;
  seq: number;
}

export function rolesOf(state: EmulatorState): Entity[] {
  state.collections.roles ??= [];
  return state.collections.roles;
}
export function userPermissionsOf(state: EmulatorState): Entity[] {
  state.collections.userPermissions ??= [];
  return state.collections.userPermissions;
}

export const grantsOf = (role: Entity): Grant[] => (role.data.permissions ?? []) as unknown as Grant[];
export const membersOf = (role: Entity): Member[] => (role.data.members ?? []) as unknown as Member[];

/** What every role answer shows: the stored bookkeeping stays inside. */
export function roleView(e: Entity): JsonObject {
  const { id, name, description } = e.data;
  return { id: id ?? null, name: name ?? null, ...(description === undefined ? {} : { description }) };
}

/** Role lists come sorted by name (the recorded user-role list is; assignment order is not kept apart). */
export const byName = (a: Entity, b: Entity): number =>
  String(a.data.name).localeCompare(String(b.data.name), 'en', { sensitivity: 'base' }) || a.seq - b.seq;

export function findRole(ctx: Ctx, id: string): Entity {
  const e = rolesOf(ctx.state).find((r) => r.data.id === id);
  if (!e) throw roleNotFound();
  return e;
}

/** Path ids arrive URL-encoded (`auth0%7Cx`); an unknown user is the users endpoints' 404. */
export function findUserById(ctx: Ctx, raw: string): Entity {
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

export const memberOf = (user: Entity): Omit<Member, 'seq'> => ({
  user_id: String(user.data.user_id),
  ...(typeof user.data.created_at === 'string' ? { created_at: user.data.created_at } : {}),
});

/** The member (or direct grant) still belongs to this very user, not to a deleted one with the same id. */
export function isLiveUser(ctx: Ctx, m: { user_id: string; created_at?: string }): Entity | undefined {
  const user = findUser(ctx.state, m.user_id);
  if (!user) return undefined;
  if (m.created_at !== undefined && user.data.created_at !== m.created_at) return undefined;
  return user;
}

export interface Scope {
  api: JsonObject;
  description?: string;
}

/** The API and scope behind a stored grant, while both exist. */
export function liveScope(ctx: Ctx, g: Grant): Scope | undefined {
  const api = ctx.state.collections.resourceServers.find((r) => r.data.id === g.resource_server_id)?.data;
  if (!api) return undefined;
  const scopes = Array.isArray(api.scopes) ? (api.scopes as JsonObject[]) : [];
  const scope = scopes.find((s) => s.value === g.permission_name);
  if (!scope) return undefined;
  return { api, ...(typeof scope.description === 'string' ? { description: scope.description } : {}) };
}

/** Checks `{resource_server_identifier, permission_name}` pairs against the APIs and their scopes. */
export function resolveGrants(ctx: Ctx, body: { permissions: Grant[] }): Grant[] {
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

export const sameGrant = (a: Grant, b: { resource_server_identifier: string; permission_name: string }) =>
  a.resource_server_identifier === b.resource_server_identifier && a.permission_name === b.permission_name;

/** PermissionsResponsePayload, in the key order of the recorded user permissions. */
export function permissionView(g: Grant, scope: Scope): JsonObject {
  return {
    permission_name: g.permission_name,
    ...(scope.description === undefined ? {} : { description: scope.description }),
    resource_server_name: (scope.api.name ?? g.resource_server_identifier) as string,
    resource_server_identifier: g.resource_server_identifier,
  };
}

export const byPermission = (a: JsonObject, b: JsonObject): number =>
  String(a.resource_server_identifier).localeCompare(String(b.resource_server_identifier)) ||
  String(a.permission_name).localeCompare(String(b.permission_name));

/** Derived lists page like stored ones: wrap the items as entities in their order. */
export const asEntities = (items: JsonObject[]): Entity[] => items.map((data, i) => ({ seq: i + 1, data }));
export const identity = (e: Entity): JsonObject => e.data;

export function offsetQuery(req: ApiRequest, extra = {}): QueryValues {
  return parseQuery(req.query, { ...OFFSET_PARAMS, ...extra });
}

// ---- /roles ----

export function addMembers(ctx: Ctx, role: Entity, users: Entity[]): void {
  const members = membersOf(role).filter((m) => isLiveUser(ctx, m));
  for (const user of users) {
    const m = memberOf(user);
    if (members.some((x) => x.user_id === m.user_id)) continue;
    ctx.state.seq += 1;
    members.push({ ...m, seq: ctx.state.seq });
  }
  role.data.members = members as unknown as JsonObject[];
}
