import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { FIELD_PARAMS } from '../projection.js';
import { CHECKPOINT_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { requireConnection } from './connection-clients.js';
import { connectionView } from './connection-view.js';

/**
 * The connection sub-resources a deploy tool reads on every run: the client side of enabled connections,
 * and the directory-provisioning listings. Directory provisioning is never configured here (no directory
 * sync runs in the emulator), so the tenant-wide listing and the per-connection synchronized groups are
 * empty, and the per-connection configuration is the API's documented 404. SCIM is connection-scim.ts.
 */

/** GET /clients/{id}/connections: `{connections: [ConnectionForList], next?}` (OAS), checkpoint only. */
function clientConnections(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { ...CHECKPOINT_PARAMS, ...FIELD_PARAMS, strategy: { type: 'list' } });
  const id = req.params.id as string;
  if (!ctx.state.collections.clients.some((e) => e.data.client_id === id))
    throw fail(404, 'The client does not exist', 'inexistent_client');
  const strategies = Array.isArray(q.strategy) && q.strategy.length > 0 ? q.strategy : undefined;
  const items = ctx.state.collections.connections.filter(
    (e) =>
      ((e.data.enabled_clients as string[] | undefined) ?? []).includes(id) &&
      (strategies === undefined || strategies.includes(String(e.data.strategy))),
  );
  const view = (e: Entity) => connectionView(e, req, { list: true, q });
  // Always the checkpoint envelope, even without from/take (ListClientConnectionsResponseContent).
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, { key: 'connections', checkpoint: true, view });
  return { status: 200, body };
}

const emptyListing = (key: string) => (req: ApiRequest) => {
  parseQuery(req.query, CHECKPOINT_PARAMS);
  return { status: 200, body: { [key]: [] } };
};

/** A per-connection listing with nothing configured: empty once the connection exists (OAS 404 before). */
const emptyForConnection = (body: () => unknown, params = CHECKPOINT_PARAMS) => (req: ApiRequest, ctx: Ctx) => {
  parseQuery(req.query, params);
  requireConnection(ctx, req.params.id as string);
  return { status: 200, body: body() };
};

/** The connection must exist first (404 "The connection does not exist"), then its configuration. */
const notConfigured = (message: string) => (req: ApiRequest, ctx: Ctx) => {
  requireConnection(ctx, req.params.id as string);
  throw fail(404, message);
};

const CONNECTION = '/api/v2/connections/{id}';
export const connectionProvisioningRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/clients/{id}/connections',
    scopes: ['read:connections'],
    handler: clientConnections,
  },
  {
    method: 'GET',
    pattern: '/api/v2/connections-directory-provisionings',
    scopes: ['read:directory_provisionings'],
    handler: emptyListing('directory_provisionings'),
  },
  {
    method: 'GET',
    pattern: `${CONNECTION}/directory-provisioning`,
    scopes: ['read:directory_provisionings'],
    handler: notConfigured('Directory provisioning configuration not found'),
  },
  // ListSynchronizedGroupsResponseContent `{groups, next?}`.
  {
    method: 'GET',
    pattern: `${CONNECTION}/directory-provisioning/synchronized-groups`,
    scopes: ['read:directory_provisionings'],
    handler: emptyForConnection(() => ({ groups: [] })),
  },
];
