import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { bool, enumOf, nullable, obj, str, validateBody } from '../validate.js';
import { addEntry, checkSignup, connectionInfo, live } from './org-connections.js';
import { findOrg, type OrgConnection, setConnections } from './org-model.js';

/**
 * `/organizations/{id}/connections`, the newer view of an organization's connections (OAS
 * ListOrganizationAllConnectionsResponseContent and friends). It shares one stored list with
 * `/enabled_connections` (org-connections.ts) and adds `is_enabled` (an associated connection can be
 * switched off, which hides it from the older API), `organization_connection_name` and
 * `organization_access_level`. Offset paging (`{start, limit, total, connections}` with totals) filtered
 * by `is_enabled`; POST 201 (409 "The organization connection already exists."), PATCH 200 (`null` unsets
 * the name and access level), DELETE 204. Not recorded: which of the optional keys a real answer prints
 * when unset (here: `is_enabled` always, name and access level only once set).
 */
const NAME = str({ minLength: 1, maxLength: 50 });
const ACCESS = ['none', 'readonly', 'limited', 'full'] as const;
const addSchema = obj(
  {
    connection_id: str({ minLength: 1, maxLength: 50 }),
    organization_connection_name: NAME,
    assign_membership_on_login: bool(),
    show_as_button: bool(),
    is_signup_enabled: bool(),
    organization_access_level: enumOf(ACCESS),
    is_enabled: bool(),
  },
  { required: ['connection_id'] },
);
const updateSchema = obj({
  organization_connection_name: nullable(NAME),
  assign_membership_on_login: bool(),
  show_as_button: bool(),
  is_signup_enabled: bool(),
  organization_access_level: nullable(enumOf(ACCESS)),
  is_enabled: nullable(bool()),
});

function view(ctx: Ctx, c: OrgConnection): JsonObject {
  const out: JsonObject = {};
  if (c.organization_connection_name !== undefined) out.organization_connection_name = c.organization_connection_name;
  out.assign_membership_on_login = c.assign_membership_on_login;
  out.show_as_button = c.show_as_button;
  out.is_signup_enabled = c.is_signup_enabled;
  if (c.organization_access_level !== undefined) out.organization_access_level = c.organization_access_level;
  out.is_enabled = c.is_enabled !== false;
  out.connection_id = c.connection_id;
  out.connection = connectionInfo(ctx, c);
  return out;
}

function find(ctx: Ctx, org: Entity, connectionId: string): OrgConnection {
  const c = live(ctx, org).find((x) => x.connection_id === connectionId);
  if (!c) throw fail(404, 'The connection is not associated with this organization.');
  return c;
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, is_enabled: { type: 'boolean' } });
  const items = live(ctx, org)
    .filter((c) => q.is_enabled === undefined || (c.is_enabled !== false) === q.is_enabled)
    .map((c, i) => ({ seq: i + 1, data: view(ctx, c) }));
  return { status: 200, body: listResponse(items, q, { key: 'connections', checkpoint: false, view: (e) => e.data }) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  return { status: 200, body: view(ctx, find(ctx, org, req.params.connection_id as string)) };
}

function add(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<Partial<OrgConnection> & { connection_id: string }>(addSchema, req.body);
  const entry = addEntry(ctx, org, body, 'The organization connection already exists.');
  return { status: 201, body: view(ctx, entry) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const current = find(ctx, org, req.params.connection_id as string);
  const body = validateBody<Record<string, unknown>>(updateSchema, req.body);
  const next = { ...current } as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  checkSignup(ctx, next as unknown as OrgConnection);
  setConnections(org, live(ctx, org).map((c) => (c === current ? (next as unknown as OrgConnection) : c)));
  return { status: 200, body: view(ctx, next as unknown as OrgConnection) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const id = req.params.connection_id as string;
  setConnections(org, live(ctx, org).filter((c) => c.connection_id !== id));
  return { status: 204 };
}

const BASE = '/api/v2/organizations/{id}/connections';
export const orgAllConnectionRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:organization_connections'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_connections'], handler: add },
  { method: 'GET', pattern: `${BASE}/{connection_id}`, scopes: ['read:organization_connections'], handler: get },
  { method: 'PATCH', pattern: `${BASE}/{connection_id}`, scopes: ['update:organization_connections'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{connection_id}`, scopes: ['delete:organization_connections'], handler: remove },
];
