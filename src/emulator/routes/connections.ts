import { isObject, type JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newConnectionId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { FIELD_PARAMS } from '../projection.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import { createConnectionSchema, updateConnectionSchema } from '../schemas/connections.js';
import { applyPatch, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, EmulatorState, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';
import { freshConnection, withConnectionDefaults } from './connection-defaults.js';
import { withDerivedOptions } from './connection-derived.js';
import { connectionView } from './connection-view.js';
import { enabledClientsRoutes, findConnection, requireConnection } from './connection-clients.js';

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    ...FIELD_PARAMS,
    strategy: { type: 'list' },
    name: { type: 'string' },
  });
  const strategies = Array.isArray(q.strategy) && q.strategy.length > 0 ? q.strategy : undefined;
  const items = ctx.state.collections.connections.filter(
    (e) =>
      (strategies === undefined || strategies.includes(String(e.data.strategy))) &&
      (q.name === undefined || e.data.name === q.name),
  );
  const render = (e: Entity) => connectionView(e, req, { list: true, q });
  // "Checkpoint pagination must be used if you need to retrieve more than 1000 connections" (OAS).
  const body = listResponse(items, q, { key: 'connections', checkpoint: true, view: render, offsetCap: true });
  return { status: 200, body };
}

function get(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, FIELD_PARAMS);
  const e = requireConnection(ctx, req.params.id as string);
  return { status: 200, body: connectionView(e, req, { list: false, q }) };
}

/** A semantic rule the schema cannot express (mgmt-api.md §3.2, REC). */
function checkOptions(options: unknown): void {
  const o = options as Record<string, unknown> | null | undefined;
  if (o && o.attributes !== undefined && o.requires_username !== undefined) {
    throw fail(400, 'Cannot set both options.attributes and options.requires_username', 'invalid_body');
  }
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createConnectionSchema, req.body);
  checkOptions(body.options);
  const name = body.name as string;
  if (ctx.state.collections.connections.some((e) => e.data.name === name)) {
    throw fail(409, 'A connection with the same name already exists');
  }
  const data: JsonObject = { id: newConnectionId(), ...freshConnection(name, String(body.strategy)) };
  applyPatch(data, body);
  if (!Array.isArray(data.realms) || data.realms.length === 0) data.realms = [name];
  data.enabled_clients = [...new Set((body.enabled_clients as string[] | undefined) ?? [])];
  withConnectionDefaults(data);
  withDerivedOptions(data);
  return { status: 201, body: connectionView(insert(ctx.state, 'connections', data), req, { list: false }) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  const body = validateBody(updateConnectionSchema, req.body);
  checkOptions(body.options);
  const { metadata, ...rest } = body;
  const next = structuredClone(e.data);
  // PATCH replaces `options` whole (OAS: "the entire options object is overridden").
  applyPatch(next, rest);
  // Metadata values may be null (OAS ConnectionsMetadata): merged key by key, null removes a key, as
  // client_metadata does (§7.3).
  if (isObject(metadata)) {
    const merged: JsonObject = isObject(next.metadata) ? next.metadata : {};
    applyPatch(merged, metadata);
    next.metadata = merged;
  }
  if (body.options === null) next.options = {};
  if (body.enabled_clients !== undefined)
    next.enabled_clients = [...new Set((body.enabled_clients as string[] | null) ?? [])];
  withDerivedOptions(next);
  e.data = next;
  return { status: 200, body: connectionView(e, req, { list: false }) };
}

/** 202 with `deleted_at` while users are removed in the background; 204 once it is gone (§3.3, OAS). */
function remove(req: ApiRequest, ctx: Ctx) {
  const e = findConnection(ctx, req.params.id as string);
  if (!e) return { status: 204 };
  removeWhere(ctx.state, 'connections', (x) => x === e);
  return { status: 202, body: { deleted_at: new Date().toISOString() } };
}

/**
 * The AD/LDAP status probe: such connections are online only while a connector runs, and no connector
 * can reach the emulator; every other connection is served by Auth0 itself.
 */
function status(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  if (e.data.strategy === 'ad' || e.data.strategy === 'auth0-adldap')
    throw fail(404, 'The connection is not online');
  return { status: 200 };
}

/**
 * Tenant flag `enable_client_connections` (routes/tenant-settings.ts); unset means on, the default of a new
 * tenant (OAS "(true, default)", seed-digest §9).
 */
export function clientConnectionsFlag(state: EmulatorState): boolean {
  const flags = state.collections.tenantSettings[0]?.data.flags;
  return !(isObject(flags) && flags.enable_client_connections === false);
}

/**
 * A new client is enabled on every connection while the tenant flag is on ("all current connections will
 * be enabled for any new application that is created", seed-digest §4.21).
 */
export function enableOnAllConnections(state: EmulatorState, clientId: string): void {
  if (!clientConnectionsFlag(state)) return;
  for (const c of state.collections.connections) {
    const ids = (c.data.enabled_clients as string[] | undefined) ?? [];
    if (!ids.includes(clientId)) c.data.enabled_clients = [...ids, clientId];
  }
}

/** A deleted client leaves every connection with it ("and related configuration", OAS DELETE /clients). */
export function forgetClient(state: EmulatorState, clientId: string): void {
  for (const c of state.collections.connections) {
    const ids = (c.data.enabled_clients as string[] | undefined) ?? [];
    if (ids.includes(clientId)) c.data.enabled_clients = ids.filter((id) => id !== clientId);
  }
}

const BASE = '/api/v2/connections';
export const connectionRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:connections'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:connections'], handler: create },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: ['read:connections'], handler: get },
  { method: 'PATCH', pattern: `${BASE}/{id}`, scopes: ['update:connections'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:connections'], handler: remove },
  { method: 'GET', pattern: `${BASE}/{id}/status`, scopes: ['read:connections'], handler: status },
  ...enabledClientsRoutes,
];
