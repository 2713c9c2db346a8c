import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { FIELD_PARAMS } from '../projection.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery, type QueryValues } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { arr, obj, str, validateBody } from '../validate.js';
import { findRole, findUserById, rolesOf } from './role-model.js';

/**
 * Groups (OAS `/groups` and the reads that name them). This emulator has no groups feature: no group can be
 * created, so every group list is empty and every group id is unknown. These answers are what a tenant
 * without groups says, after the same checks of the other ids in the path and the query:
 * - lists answer their OAS envelopes, empty: `{groups, next?}` (checkpoint), and for a user's groups also a
 *   bare array or `{groups, start, limit, total}` (offset, include_totals);
 * - a role's groups can be neither assigned nor removed: a group id the OAS pattern refuses is a 400, a
 *   well-formed one 404 `Group not found.`; an organization group's roles are 404 `Group not found.`.
 * Wordings are the OAS's (these newer operations say `Organization not found.` and `Role not found.`).
 */
const GROUP_ID = /^grp_[1-9a-km-zA-HJ-NP-Z]{14,22}$/;
const groupsSchema = obj(
  { groups: arr(str({ minLength: 18, maxLength: 26, pattern: GROUP_ID }), { minItems: 1 }) },
  { required: ['groups'] },
);
const rolesSchema = obj({ roles: arr(str(), { minItems: 1 }) }, { required: ['roles'] });

const groupNotFound = () => fail(404, 'Group not found.');
const queryError = (message: string) => fail(400, `Query validation error: '${message}'.`, 'invalid_query_string');

/** Query parameters the OAS marks required (parseQuery only checks the ones that are present). */
export function requireQuery(q: QueryValues, name: string): string {
  const v = q[name];
  if (typeof v !== 'string' || v === '') throw queryError(`Missing required property: ${name}`);
  return v;
}

const noGroups = (q: QueryValues) =>
  listResponse([], { ...q, take: q.take ?? 50 }, { key: 'groups', checkpoint: true, view: (e) => e.data });

function findOrganization(ctx: Ctx, raw: string): Entity {
  const e = ctx.state.collections.organizations.find((x) => x.data.id === decodeURIComponent(raw));
  if (!e) throw fail(404, 'Organization not found.');
  return e;
}

function userGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    ...FIELD_PARAMS,
    fields: { type: 'string', maxLength: 256 },
  });
  findUserById(ctx, req.params.id as string);
  const checkpoint = q.from !== undefined || q.take !== undefined;
  return { status: 200, body: listResponse([], q, { key: 'groups', checkpoint, view: (e) => e.data }) };
}

function roleGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  findRole(ctx, req.params.id as string);
  return { status: 200, body: noGroups(q) };
}

/** POST and DELETE /roles/{id}/groups: no group exists to assign or remove. */
const changeRoleGroups = (roleMissing: string) => (req: ApiRequest, ctx: Ctx) => {
  if (!rolesOf(ctx.state).some((r) => r.data.id === req.params.id)) throw fail(404, roleMissing);
  validateBody(groupsSchema, req.body);
  throw groupNotFound();
};

function orgGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  findOrganization(ctx, req.params.organization_id as string);
  return { status: 200, body: noGroups(q) };
}

/** …/groups/{group_id}/roles: the organization is checked, then the group, which never exists. */
const orgGroupRoles = (withBody: boolean) => (req: ApiRequest, ctx: Ctx) => {
  if (!withBody) parseQuery(req.query, CHECKPOINT_PARAMS);
  findOrganization(ctx, req.params.organization_id as string);
  if (withBody) validateBody(rolesSchema, req.body);
  throw groupNotFound();
};

/** The groups a role of the user (or organization member) comes from: none, once user and role exist. */
function userRoleSourceGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { ...CHECKPOINT_PARAMS, role_id: { type: 'string' } });
  const roleId = requireQuery(q, 'role_id');
  findUserById(ctx, req.params.id as string);
  findRole(ctx, roleId);
  return { status: 200, body: noGroups(q) };
}

function memberRoleSourceGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { ...CHECKPOINT_PARAMS, role_id: { type: 'string' } });
  const roleId = requireQuery(q, 'role_id');
  findOrganization(ctx, req.params.id as string);
  findUserById(ctx, req.params.user_id as string);
  findRole(ctx, roleId);
  return { status: 200, body: noGroups(q) };
}

const ORG_GROUP_ROLES = '/api/v2/organizations/{organization_id}/groups/{group_id}/roles';
export const groupRoutes: Route[] = [
  { method: 'GET', pattern: '/api/v2/users/{id}/groups', scopes: ['read:groups'], handler: userGroups },
  { method: 'GET', pattern: '/api/v2/roles/{id}/groups', scopes: ['read:group_roles'], handler: roleGroups },
  {
    method: 'POST',
    pattern: '/api/v2/roles/{id}/groups',
    scopes: ['create:group_roles'],
    handler: changeRoleGroups('Role not found.'),
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/roles/{id}/groups',
    scopes: ['delete:group_roles'],
    handler: changeRoleGroups('The role does not exist.'),
  },
  {
    method: 'GET',
    pattern: '/api/v2/organizations/{organization_id}/groups',
    scopes: ['read:organization_groups'],
    handler: orgGroups,
  },
  { method: 'GET', pattern: ORG_GROUP_ROLES, scopes: ['read:organization_group_roles'], handler: orgGroupRoles(false) },
  { method: 'POST', pattern: ORG_GROUP_ROLES, scopes: ['create:organization_group_roles'], handler: orgGroupRoles(true) },
  { method: 'DELETE', pattern: ORG_GROUP_ROLES, scopes: ['delete:organization_group_roles'], handler: orgGroupRoles(true) },
  {
    method: 'GET',
    pattern: '/api/v2/users/{id}/effective-roles/sources/groups',
    scopes: ['read:user_role_source_groups'],
    handler: userRoleSourceGroups,
  },
  {
    method: 'GET',
    pattern: '/api/v2/organizations/{id}/members/{user_id}/effective-roles/sources/groups',
    scopes: ['read:organization_member_role_source_groups'],
    handler: memberRoleSourceGroups,
  },
];
