import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { bool, obj, str, validateBody } from '../validate.js';
import { connectionsOf, findOrg, type OrgConnection, setConnections } from './org-model.js';

/**
 * /organizations/{id}/enabled_connections (OAS AddOrganizationConnectionRequestContent and friends):
 * an offset-paged list (bare array, or `{enabled_connections, start, limit, total}` with totals), POST 201,
 * PATCH 200, DELETE 204, each entry shown with its connection's name and strategy.
 */
const addSchema = obj(
  {
    connection_id: str({ minLength: 1 }),
    assign_membership_on_login: bool(),
    is_signup_enabled: bool(),
    show_as_button: bool(),
  },
  { required: ['connection_id'] },
);
const updateSchema = obj({ assign_membership_on_login: bool(), is_signup_enabled: bool(), show_as_button: bool() });

const notEnabled = () => fail(404, 'The connection is not enabled for this organization.');

export const connectionData = (ctx: Ctx, id: string): JsonObject | undefined =>
  ctx.state.collections.connections.find((c) => c.data.id === id)?.data;

/** Entries whose connection still exists, in the order they were enabled. */
export function live(ctx: Ctx, org: Entity): OrgConnection[] {
  return connectionsOf(org).filter((c) => connectionData(ctx, c.connection_id));
}

/** What this older API shows: entries the newer one disabled (`is_enabled: false`) are not enabled here. */
const enabled = (ctx: Ctx, org: Entity): OrgConnection[] => live(ctx, org).filter((c) => c.is_enabled !== false);

export const connectionInfo = (ctx: Ctx, c: OrgConnection): JsonObject => {
  const con = connectionData(ctx, c.connection_id) ?? {};
  return { name: con.name ?? null, strategy: con.strategy ?? null };
};

function view(ctx: Ctx, c: OrgConnection): JsonObject {
  const { connection_id, assign_membership_on_login, show_as_button, is_signup_enabled } = c;
  const fields = { connection_id, assign_membership_on_login, show_as_button, is_signup_enabled };
  return { ...fields, connection: connectionInfo(ctx, c) };
}

/** "Only database connections with assign_membership_on_login = true support is_signup_enabled = true" (REC). */
export function checkSignup(ctx: Ctx, c: OrgConnection): void {
  if (!c.is_signup_enabled) return;
  const strategy = connectionData(ctx, c.connection_id)?.strategy;
  if (strategy !== 'auth0' || !c.assign_membership_on_login)
    throw fail(
      400,
      'Only database connections with assign_membership_on_login = true support is_signup_enabled = true.',
      'invalid_body',
    );
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, OFFSET_PARAMS);
  const items = enabled(ctx, org).map((c, i) => ({ seq: i + 1, data: view(ctx, c) }));
  return { status: 200, body: listResponse(items, q, { key: 'enabled_connections', checkpoint: false, view: (e) => e.data }) };
}

function findEnabled(ctx: Ctx, org: Entity, connectionId: string): OrgConnection {
  const c = enabled(ctx, org).find((x) => x.connection_id === connectionId);
  if (!c) throw notEnabled();
  return c;
}

function get(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  return { status: 200, body: view(ctx, findEnabled(ctx, org, req.params.connectionId as string)) };
}

/**
 * Adds an entry to an organization's one stored list of connections, for both views of it (this one and
 * org-all-connections.ts): the connection must exist and not be there yet (409 `conflict`); what the body
 * leaves out takes the OAS defaults (membership on login off, shown as a button, signup off).
 */
export function addEntry(
  ctx: Ctx,
  org: Entity,
  body: Partial<OrgConnection> & { connection_id: string },
  conflict: string,
): OrgConnection {
  if (!connectionData(ctx, body.connection_id)) throw fail(404, 'The connection does not exist.', 'inexistent_connection');
  if (live(ctx, org).some((c) => c.connection_id === body.connection_id)) throw fail(409, conflict);
  const entry: OrgConnection = {
    ...body,
    assign_membership_on_login: body.assign_membership_on_login ?? false,
    show_as_button: body.show_as_button ?? true,
    is_signup_enabled: body.is_signup_enabled ?? false,
  };
  checkSignup(ctx, entry);
  setConnections(org, [...live(ctx, org), entry]);
  return entry;
}

function add(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<Partial<OrgConnection> & { connection_id: string }>(addSchema, req.body);
  const entry = addEntry(ctx, org, body, 'The connection is already enabled for this organization.');
  return { status: 201, body: view(ctx, entry) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const current = findEnabled(ctx, org, req.params.connectionId as string);
  const body = validateBody<Partial<OrgConnection>>(updateSchema, req.body);
  const next: OrgConnection = { ...current, ...body };
  checkSignup(ctx, next);
  setConnections(org, live(ctx, org).map((c) => (c === current ? next : c)));
  return { status: 200, body: view(ctx, next) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const current = findEnabled(ctx, org, req.params.connectionId as string);
  setConnections(org, live(ctx, org).filter((c) => c !== current));
  return { status: 204 };
}

const BASE = '/api/v2/organizations/{id}/enabled_connections';
export const orgConnectionRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:organization_connections'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_connections'], handler: add },
  { method: 'GET', pattern: `${BASE}/{connectionId}`, scopes: ['read:organization_connections'], handler: get },
  { method: 'PATCH', pattern: `${BASE}/{connectionId}`, scopes: ['update:organization_connections'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{connectionId}`, scopes: ['delete:organization_connections'], handler: remove },
];
