import { fail } from '../errors.js';
import { parseQuery } from '../query.js';
import { enabledClientsPatchSchema } from '../schemas/connections.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

/**
 * `/connections/{id}/clients`: the newer way to read and change which clients a connection is enabled for
 * (OAS get_connection_clients / patch_clients; seed-digest §10). Both views share one stored list, the
 * deprecated `enabled_clients` array on the connection.
 */
export const findConnection = (ctx: Ctx, id: string): Entity | undefined =>
  ctx.state.collections.connections.find((e) => e.data.id === id);

export function requireConnection(ctx: Ctx, id: string): Entity {
  const e = findConnection(ctx, id);
  if (!e) throw fail(404, 'The connection does not exist', 'inexistent_connection');
  return e;
}

const enabledIds = (e: Entity): string[] => (e.data.enabled_clients as string[] | undefined) ?? [];

/** Our cursors carry the position to resume at; anything else is refused like an expired checkpoint. */
const encodeCursor = (index: number): string => Buffer.from(`idx:${index}`).toString('base64url');

function decodeCursor(from: string): number {
  const m = /^idx:(\d+)$/.exec(Buffer.from(from, 'base64url').toString('utf8'));
  if (!m) throw fail(400, 'The from parameter is invalid or expired', 'invalid_paging');
  return Number(m[1]);
}

/** Always the checkpoint envelope `{clients: [{client_id}], next?}`; take is 1..1000 here (§2.3). */
function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    take: { type: 'integer', minimum: 1, maximum: 1000 },
    from: { type: 'string', maxLength: 1000 },
  });
  const ids = enabledIds(requireConnection(ctx, req.params.id as string));
  const start = typeof q.from === 'string' && q.from !== '' ? decodeCursor(q.from) : 0;
  const take = typeof q.take === 'number' ? q.take : 50;
  const page = ids.slice(start, start + take);
  const body: Record<string, unknown> = { clients: page.map((client_id) => ({ client_id })) };
  if (start + take < ids.length) body.next = encodeCursor(start + take);
  return { status: 200, body };
}

/**
 * `[{client_id, status}]`: true enables, false disables; other clients keep their state. Enabling needs the
 * client to exist; disabling one that is not enabled changes nothing. Answers 204 with no body (OAS).
 */
function patch(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  const changes = validateBody<{ client_id: string; status: boolean }[]>(enabledClientsPatchSchema, req.body);
  const known = new Set(ctx.state.collections.clients.map((c) => c.data.client_id));
  const next = new Set(enabledIds(e));
  for (const { client_id: id, status } of changes) {
    if (!status) next.delete(id);
    else if (known.has(id)) next.add(id);
    else throw fail(404, 'The client does not exist', 'inexistent_client');
  }
  e.data.enabled_clients = [...next];
  return { status: 204 };
}

const PATH = '/api/v2/connections/{id}/clients';
export const enabledClientsRoutes: Route[] = [
  { method: 'GET', pattern: PATH, scopes: ['read:connections'], handler: list },
  { method: 'PATCH', pattern: PATH, scopes: ['update:connections'], handler: patch },
];
