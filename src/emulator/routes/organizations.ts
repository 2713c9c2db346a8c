import { isObject, type JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newOrganizationId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import { createOrganizationSchema, updateOrganizationSchema } from '../schemas/organizations.js';
import { applyPatch, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';
import { orgAllConnectionRoutes } from './org-all-connections.js';
import { orgClientGrantRoutes } from './org-client-grants.js';
import { orgConnectionRoutes } from './org-connections.js';
import { orgDiscoveryDomainRoutes } from './org-discovery-domains.js';
import { orgInvitationRoutes } from './org-invitations.js';
import { orgMemberRoutes } from './org-members.js';
import { orgView as view } from './org-model.js';

/** The recorded 404 for an unknown organization (mgmt-api.md §3.2). */
const notFound = () => fail(404, 'No organization found by that id or name');
const conflict = () => fail(409, 'An organization with this name already exists.');

const all = (ctx: Ctx) => ctx.state.collections.organizations;

function find(ctx: Ctx, id: string): Entity {
  const e = all(ctx).find((x) => x.data.id === id);
  if (!e) throw notFound();
  return e;
}

/** `sort=field:1|-1` on name, display_name or created_at (OAS GET /organizations); default creation order. */
function sorted(items: Entity[], sort: unknown): Entity[] {
  if (typeof sort !== 'string') return items;
  const m = /^(name|display_name|created_at):(-?1)$/.exec(sort);
  if (!m) {
    const message = `Query validation error: 'Invalid sort value: ${sort}' on property sort.`;
    throw fail(400, message, 'invalid_query_string');
  }
  const [, field, order] = m;
  const dir = order === '-1' ? -1 : 1;
  const keyOf = (e: Entity) => (field === 'created_at' ? e.seq : String(e.data[field as string] ?? ''));
  return [...items].sort((a, b) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * dir;
  });
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    page: { type: 'integer', minimum: 0, maximum: 1000 },
    sort: { type: 'string', maxLength: 15 },
    // Adds each organization's association with that client; organization-client associations (Early
    // Access) are not emulated, so no organization carries one and the list is the plain list.
    include_client_association_for: { type: 'string', minLength: 1 },
  });
  const items = sorted(all(ctx), q.sort);
  // Checkpoint paging returns `{organizations, next?}` (TestOrganizationManager_ListCheckpointPagination).
  // Offset paging stops at 1000 organizations (OAS: checkpoints "must be used" beyond).
  const body = listResponse(items, q, { key: 'organizations', checkpoint: true, view, offsetCap: true });
  return { status: 200, body };
}

function get(req: ApiRequest, ctx: Ctx) {
  return { status: 200, body: view(find(ctx, req.params.id as string)) };
}

function getByName(req: ApiRequest, ctx: Ctx) {
  const name = decodeURIComponent(req.params.name as string);
  const e = all(ctx).find((x) => x.data.name === name);
  if (!e) throw notFound();
  return { status: 200, body: view(e) };
}

/** `metadata` merges key by key; `key: null` deletes it (OAS OrganizationMetadata values are string|null). */
function mergeMetadata(data: JsonObject, metadata: unknown): void {
  if (metadata === undefined) return;
  if (metadata === null) {
    delete data.metadata;
    return;
  }
  const merged: JsonObject = isObject(data.metadata) ? data.metadata : {};
  applyPatch(merged, metadata as Record<string, unknown>);
  data.metadata = merged;
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createOrganizationSchema, req.body);
  if (all(ctx).some((e) => e.data.name === body.name)) throw conflict();
  const { metadata, ...rest } = body;
  // Created objects print only what was set: no metadata or token_quota keys unless sent (REC).
  const data: JsonObject = { id: newOrganizationId() };
  applyPatch(data, rest);
  mergeMetadata(data, metadata);
  return { status: 201, body: view(insert(ctx.state, 'organizations', data)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  const body = validateBody(updateOrganizationSchema, req.body);
  if (body.name !== undefined && all(ctx).some((x) => x !== e && x.data.name === body.name)) throw conflict();
  const { metadata, ...rest } = body;
  const next = structuredClone(e.data);
  // Top-level keys replace; `token_quota: null` removes the quota (TestAccOrganizationTokenQuota).
  applyPatch(next, rest);
  mergeMetadata(next, metadata);
  e.data = next;
  return { status: 200, body: view(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  // Unlike clients, deleting an unknown or already deleted organization is a 404 (mgmt-api.md §3.3).
  const e = find(ctx, req.params.id as string);
  removeWhere(ctx.state, 'organizations', (x) => x === e);
  return { status: 204 };
}

const BASE = '/api/v2/organizations';
const READ = ['read:organizations', 'read:organizations_summary'];
export const organizationRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: READ, handler: list },
  {
    method: 'POST',
    pattern: BASE,
    scopes: ['create:organizations', 'create:organization_connections'],
    handler: create,
  },
  { method: 'GET', pattern: `${BASE}/name/{name}`, scopes: READ, handler: getByName },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: READ, handler: get },
  { method: 'PATCH', pattern: `${BASE}/{id}`, scopes: ['update:organizations'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:organizations'], handler: remove },
  ...orgConnectionRoutes,
  ...orgMemberRoutes,
  ...orgInvitationRoutes,
  ...orgClientGrantRoutes,
  ...orgDiscoveryDomainRoutes,
  ...orgAllConnectionRoutes,
];
