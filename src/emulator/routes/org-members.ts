import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { checkOffsetCap, listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { findUser } from '../users/store.js';
import { arr, obj, str, validateBody } from '../validate.js';
import { findOrg, membersOf, type OrgMember, orgView, setMembers } from './org-model.js';
import { byName, roleView } from './role-model.js';

/**
 * /organizations/{id}/members and /members/{user_id}/roles (OAS): members page by checkpoint (`from`/`take`,
 * `{members, next?}`) or by offset (bare array or `{members, start, limit, total}`, the first 1000 records
 * only, mgmt-api.md §2.2); `fields=roles` adds each member's roles. POST and DELETE answer 204.
 */
const membersSchema = obj({ members: arr(str({ minLength: 1 }), { minItems: 1 }) }, { required: ['members'] });
const rolesSchema = obj({ roles: arr(str({ minLength: 1 }), { minItems: 1 }) }, { required: ['roles'] });

const notMember = () => fail(404, 'The user is not a member of the organization.');

/** The user is still the one that joined (a deleted user loses its memberships). */
function liveUser(ctx: Ctx, m: OrgMember): Entity | undefined {
  const user = findUser(ctx.state, m.user_id);
  if (!user || (m.created_at !== undefined && user.data.created_at !== m.created_at)) return undefined;
  return user;
}

const liveMembers = (ctx: Ctx, org: Entity): OrgMember[] => membersOf(org).filter((m) => liveUser(ctx, m));

const roleOf = (ctx: Ctx, id: string): Entity | undefined =>
  (ctx.state.collections.roles ?? []).find((r) => r.data.id === id);

function memberView(ctx: Ctx, m: OrgMember, withRoles: boolean): JsonObject {
  const user = liveUser(ctx, m)?.data ?? {};
  // OrganizationMember: user_id, picture, name, email (+ roles `{id, name}` when asked for).
  const out: JsonObject = {};
  for (const k of ['user_id', 'picture', 'name', 'email']) if (user[k] !== undefined) out[k] = user[k];
  if (withRoles)
    out.roles = m.roles.flatMap((id) => {
      const role = roleOf(ctx, id);
      return role ? [{ id, name: String(role.data.name) }] : [];
    });
  return out;
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    page: { type: 'integer', minimum: 0, maximum: 1000 },
    fields: { type: 'string' },
    include_fields: { type: 'boolean' },
  });
  const checkpoint = q.from !== undefined || q.take !== undefined;
  if (!checkpoint) {
    const perPage = typeof q.per_page === 'number' ? q.per_page : 50;
    const page = typeof q.page === 'number' ? q.page : 0;
    checkOffsetCap(page, perPage);
  }
  const fields = typeof q.fields === 'string' ? q.fields.split(',').map((f) => f.trim()) : undefined;
  const include = q.include_fields !== false;
  const withRoles = fields !== undefined && include && fields.includes('roles');
  const keep = (view: JsonObject): JsonObject =>
    fields === undefined ? view : Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k) === include));
  const items = liveMembers(ctx, org).map((m) => ({ seq: m.seq, data: keep(memberView(ctx, m, withRoles)) }));
  return { status: 200, body: listResponse(items, q, { key: 'members', checkpoint: true, view: (e) => e.data }) };
}

function add(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<{ members: string[] }>(membersSchema, req.body);
  const users = body.members.map((id) => {
    const user = findUser(ctx.state, id);
    if (!user) throw fail(400, `User ${id} does not exist.`, 'invalid_body');
    return user;
  });
  const members = liveMembers(ctx, org);
  for (const user of users) {
    if (members.some((m) => m.user_id === user.data.user_id)) continue;
    ctx.state.seq += 1;
    const created = typeof user.data.created_at === 'string' ? { created_at: user.data.created_at } : {};
    members.push({ user_id: String(user.data.user_id), ...created, seq: ctx.state.seq, roles: [] });
  }
  setMembers(org, members);
  return { status: 204 };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<{ members: string[] }>(membersSchema, req.body);
  setMembers(org, liveMembers(ctx, org).filter((m) => !body.members.includes(m.user_id)));
  return { status: 204 };
}

function member(ctx: Ctx, org: Entity, raw: string): OrgMember {
  const id = decodeURIComponent(raw);
  const m = liveMembers(ctx, org).find((x) => x.user_id === id);
  if (!m) throw notMember();
  return m;
}

/** A new member list, not a change inside the stored one: the state journal sees top-level changes only. */
const setMemberRoles = (org: Entity, m: OrgMember, roles: string[]) =>
  setMembers(org, membersOf(org).map((x) => (x === m ? { ...x, roles } : x)));

function listRoles(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const m = member(ctx, org, req.params.user_id as string);
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, page: { type: 'integer', minimum: 0, maximum: 1000 } });
  const roles = m.roles.flatMap((id) => roleOf(ctx, id) ?? []).sort(byName);
  return { status: 200, body: listResponse(roles, q, { key: 'roles', checkpoint: false, view: roleView }) };
}

/**
 * GET …/members/{user_id}/effective-roles (OAS OrganizationMemberEffectiveRole): the member's roles in this
 * organization, checkpoint paged (`{roles, next?}`). Groups are not emulated, so every source is `direct`;
 * `description` is required by the schema and prints `''` when the role has none (not recorded).
 */
function effectiveRoles(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const m = member(ctx, org, req.params.user_id as string);
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  const roles = m.roles.flatMap((id) => roleOf(ctx, id) ?? []).sort(byName);
  const view = (e: Entity): JsonObject => ({
    id: String(e.data.id),
    name: String(e.data.name),
    description: typeof e.data.description === 'string' ? e.data.description : '',
    sources: ['direct'],
  });
  const items = roles.map((e, i) => ({ seq: i + 1, data: view(e) }));
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, { key: 'roles', checkpoint: true, view: (e) => e.data });
  return { status: 200, body };
}

function assignRoles(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const m = member(ctx, org, req.params.user_id as string);
  const body = validateBody<{ roles: string[] }>(rolesSchema, req.body);
  const missing = body.roles.find((id) => !roleOf(ctx, id));
  if (missing) throw fail(400, `Role ${missing} does not exist.`, 'invalid_body');
  const current = m.roles.filter((id) => roleOf(ctx, id));
  // A role the member already holds in this organization is a conflict (OAS lists 409 for this POST).
  if (body.roles.some((id) => current.includes(id)))
    throw fail(409, 'The user already has one or more of these roles in the organization.');
  setMemberRoles(org, m, [...current, ...body.roles]);
  return { status: 204 };
}

function removeRoles(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const m = member(ctx, org, req.params.user_id as string);
  const body = validateBody<{ roles: string[] }>(rolesSchema, req.body);
  setMemberRoles(org, m, m.roles.filter((id) => !body.roles.includes(id)));
  return { status: 204 };
}

/** GET /users/{id}/organizations (OAS): the organizations the user is a member of, offset paged. */
function userOrganizations(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, page: { type: 'integer', minimum: 0, maximum: 1000 } });
  const user = findUser(ctx.state, decodeURIComponent(req.params.id as string));
  if (!user) throw fail(404, 'The user does not exist.', 'inexistent_user');
  const orgs = ctx.state.collections.organizations.filter((org) =>
    liveMembers(ctx, org).some((m) => m.user_id === user.data.user_id),
  );
  return { status: 200, body: listResponse(orgs, q, { key: 'organizations', checkpoint: false, view: orgView }) };
}

const BASE = '/api/v2/organizations/{id}/members';
export const orgMemberRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:organization_members'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_members'], handler: add },
  { method: 'DELETE', pattern: BASE, scopes: ['delete:organization_members'], handler: remove },
  { method: 'GET', pattern: `${BASE}/{user_id}/roles`, scopes: ['read:organization_member_roles'], handler: listRoles },
  { method: 'POST', pattern: `${BASE}/{user_id}/roles`, scopes: ['create:organization_member_roles'], handler: assignRoles },
  { method: 'DELETE', pattern: `${BASE}/{user_id}/roles`, scopes: ['delete:organization_member_roles'], handler: removeRoles },
  {
    method: 'GET',
    pattern: `${BASE}/{user_id}/effective-roles`,
    scopes: ['read:organization_member_effective_roles'],
    handler: effectiveRoles,
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/{id}/organizations',
    scopes: ['read:users', 'read:organizations'],
    handler: userOrganizations,
  },
];
