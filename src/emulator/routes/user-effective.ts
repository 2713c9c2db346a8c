import type { JsonObject } from '../../json.js';
import { listResponse } from '../pagination.js';
import { parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { requireQuery } from './groups.js';
import { asEntities, findUserById, identity } from './role-model.js';
import { rolesOfUser, userPermissions } from './user-roles.js';

/**
 * A user's effective roles and permissions (OAS get_effective_roles / get_effective_permissions): what the
 * user holds directly and through roles. Groups are not emulated, so every role's source is `direct`, and a
 * permission's sources are `direct` and/or `roles` (UserEffectivePermissionSourceEnum). Both answer the
 * checkpoint envelope `{roles|permissions, next?}` their schemas require. A role without a description
 * prints `''` here, as the schema requires the key (not recorded).
 */
const CHECKPOINT = { from: { type: 'string' }, take: { type: 'integer', minimum: 1, maximum: 100 } } as const;

/** A role assigned to the user itself (the emulator has no groups, so every source is `direct`). */
const directRole = (r: Entity): JsonObject => ({
  id: String(r.data.id),
  name: String(r.data.name),
  description: typeof r.data.description === 'string' ? r.data.description : '',
  sources: ['direct'],
});

function effectiveRoles(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const q = parseQuery(req.query, CHECKPOINT);
  const roles = rolesOfUser(ctx, user).map(directRole);
  const body = listResponse(asEntities(roles), { ...q, take: q.take ?? 50 }, { key: 'roles', checkpoint: true, view: identity });
  return { status: 200, body };
}

function effectivePermissions(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const q = parseQuery(req.query, {
    ...CHECKPOINT,
    resource_server_identifier: { type: 'string', minLength: 1, maxLength: 600 },
  });
  const permissions = userPermissions(ctx, user)
    .filter((p) => q.resource_server_identifier === undefined || p.resource_server_identifier === q.resource_server_identifier)
    .map((p): JsonObject => {
      const sources = (p.sources ?? []) as JsonObject[];
      const kinds = [
        ...(sources.some((s) => s.source_type === 'DIRECT') ? ['direct'] : []),
        ...(sources.some((s) => s.source_type === 'ROLE') ? ['roles'] : []),
      ];
      return { ...p, sources: kinds };
    });
  const body = listResponse(asEntities(permissions), { ...q, take: q.take ?? 50 }, {
    key: 'permissions',
    checkpoint: true,
    view: identity,
  });
  return { status: 200, body };
}

/**
 * GET …/effective-permissions/sources/effective-roles: the roles that give the user one permission, each
 * with source `direct` (its assignment; groups do not exist here). A permission the user holds only
 * directly, or not at all, has no roles. Both query parameters are required (OAS).
 */
function permissionSourceRoles(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...CHECKPOINT,
    resource_server_identifier: { type: 'string', minLength: 1, maxLength: 600 },
    permission_name: { type: 'string', minLength: 1, maxLength: 280 },
  });
  const identifier = requireQuery(q, 'resource_server_identifier');
  const name = requireQuery(q, 'permission_name');
  const user = findUserById(ctx, req.params.id as string);
  const permission = userPermissions(ctx, user).find(
    (p) => p.resource_server_identifier === identifier && p.permission_name === name,
  );
  const viaRoles = new Set(
    ((permission?.sources ?? []) as JsonObject[]).filter((s) => s.source_type === 'ROLE').map((s) => s.source_id),
  );
  const roles = rolesOfUser(ctx, user)
    .filter((r) => viaRoles.has(String(r.data.id)))
    .map(directRole);
  const body = listResponse(asEntities(roles), { ...q, take: q.take ?? 50 }, { key: 'roles', checkpoint: true, view: identity });
  return { status: 200, body };
}

const USERS = '/api/v2/users/{id}';
export const userEffectiveRoutes: Route[] = [
  { method: 'GET', pattern: `${USERS}/effective-roles`, scopes: ['read:user_effective_roles'], handler: effectiveRoles },
  {
    method: 'GET',
    pattern: `${USERS}/effective-permissions`,
    scopes: ['read:user_effective_permissions'],
    handler: effectivePermissions,
  },
  {
    method: 'GET',
    pattern: `${USERS}/effective-permissions/sources/effective-roles`,
    scopes: ['read:user_permission_source_roles'],
    handler: permissionSourceRoles,
  },
];
