import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { FIELD_PARAMS } from '../projection.js';
import { CHECKPOINT_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { connectionView } from './connection-view.js';

/**
 * The client side of enabled connections, which a deploy tool reads on every run. SCIM is
 * connection-scim.ts, directory provisioning connection-directory.ts.
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

export const connectionProvisioningRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/clients/{id}/connections',
    scopes: ['read:connections'],
    handler: clientConnections,
  },
];
