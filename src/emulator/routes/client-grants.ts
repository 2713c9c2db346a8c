import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newClientGrantId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import { createClientGrantSchema, updateClientGrantSchema } from '../schemas/client-grants.js';
import { applyPatch, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

const notFound = () => fail(404, 'The grant does not exist.', 'inexistent_client_grant');

const find = (ctx: Ctx, id: string): Entity | undefined =>
  ctx.state.collections.clientGrants.find((e) => e.data.id === id);

/** A grant with allow_all_scopes=true is shown without `scope` (TestAccClientGrant). */
function view(e: Entity): JsonObject {
  const data = structuredClone(e.data);
  if (data.allow_all_scopes === true) delete data.scope;
  return data;
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    audience: { type: 'string' },
    client_id: { type: 'string' },
    allow_any_organization: { type: 'boolean' },
    subject_type: { type: 'string', enum: ['client', 'user'] },
    default_for: { type: 'string', enum: ['third_party_clients'] },
  });
  const items = ctx.state.collections.clientGrants.filter(
    (e) =>
      (q.audience === undefined || e.data.audience === q.audience) &&
      (q.client_id === undefined || e.data.client_id === q.client_id) &&
      (q.allow_any_organization === undefined ||
        e.data.allow_any_organization === q.allow_any_organization) &&
      (q.subject_type === undefined || (e.data.subject_type ?? 'client') === q.subject_type) &&
      (q.default_for === undefined || e.data.default_for === q.default_for),
  );
  return { status: 200, body: listResponse(items, q, { key: 'client_grants', checkpoint: true, view }) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  return { status: 200, body: view(e) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createClientGrantSchema, req.body);
  const { clients, clientGrants, resourceServers } = ctx.state.collections;
  if (body.client_id !== undefined && body.default_for !== undefined) {
    throw fail(400, 'Cannot specify both client_id and default_for.', 'invalid_body');
  }
  if (body.client_id === undefined && body.default_for === undefined) {
    throw fail(400, 'One of client_id or default_for is required.', 'invalid_body');
  }
  if (body.allow_all_scopes === true && body.scope !== undefined) {
    throw fail(400, 'Cannot specify scope when allow_all_scopes is true.', 'invalid_body');
  }
  const audience = body.audience as string;
  if (!resourceServers.some((r) => r.data.identifier === audience)) {
    throw fail(404, `No resource with identifier ${audience}`);
  }
  if (body.client_id !== undefined && !clients.some((c) => c.data.client_id === body.client_id)) {
    throw fail(404, 'Client not found', 'inexistent_client');
  }
  // Uniqueness is (client_id, audience, subject_type), or (default_for, audience) for default grants (§7.2).
  const subjectType = (body.subject_type as string | undefined) ?? 'client';
  const clash = clientGrants.some(
    (g) =>
      g.data.audience === audience &&
      (g.data.subject_type ?? 'client') === subjectType &&
      (body.client_id !== undefined
        ? g.data.client_id === body.client_id
        : g.data.default_for === body.default_for),
  );
  if (clash) {
    throw fail(
      409,
      `A client grant already exists between ${body.client_id ?? body.default_for} and ${audience}`,
    );
  }
  const data: JsonObject = { id: newClientGrantId() };
  if (body.client_id !== undefined) data.client_id = body.client_id as string;
  data.audience = audience;
  if (body.allow_all_scopes !== true) data.scope = (body.scope as string[] | undefined) ?? [];
  data.subject_type = subjectType;
  applyPatch(data, body);
  return { status: 201, body: view(insert(ctx.state, 'clientGrants', data)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  const body = validateBody(updateClientGrantSchema, req.body);
  if (e.data.is_system === true) throw fail(400, 'System client grants cannot be modified.', 'invalid_body');
  applyPatch(e.data, body);
  if (body.scope === null) e.data.scope = [];
  return { status: 200, body: view(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) return { status: 204 };
  if (e.data.is_system === true) throw fail(400, 'System client grants cannot be deleted.', 'invalid_body');
  removeWhere(ctx.state, 'clientGrants', (x) => x === e);
  return { status: 204 };
}

const BASE = '/api/v2/client-grants';
export const clientGrantRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:client_grants'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:client_grants'], handler: create },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: ['read:client_grants'], handler: get },
  { method: 'PATCH', pattern: `${BASE}/{id}`, scopes: ['update:client_grants'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:client_grants'], handler: remove },
];
