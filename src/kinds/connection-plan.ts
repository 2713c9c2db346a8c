import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { digest, liveCanonical } from '../plan/context.js';
import { defaultPlanKind } from '../plan/kind-plan.js';
import { isRef, str } from './common.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from './types.js';

const OPTIONS_UNSEEN =
  "the tenant did not show this connection's options (the token needs read:connections_options); " +
  'tenantctl will not overwrite options it cannot see';

/** Sort and match key of one enabled client: the `clients/<name>` it refers to, or a raw id (unknown client). */
export const clientKey = (value: Json): string => (isRef(value) ? value.$ref : String(value));

/**
 * Whether Auth0 will enable the clients this run creates on every existing connection: tenant flag
 * `enable_client_connections` (seed-digest §4.21), as this run's tenant change sets it (the tenant phase
 * runs first), else as the tenant has it. Unknown means on, a new tenant's default (OAS "(true, default)").
 */
function autoEnablesNewClients(input: KindPlanInput): boolean {
  const tenant = input.planned.find((c) => c.kind === 'tenant');
  const planned = isObject(tenant?.body?.flags) ? tenant.body.flags.enable_client_connections : undefined;
  if (typeof planned === 'boolean') return planned;
  return input.ctx.tenantFlags?.enable_client_connections !== false;
}

/** `clients/<name>` of every client this run creates (or recreates, which gives it a new id). */
function newClients(input: KindPlanInput): string[] {
  return input.planned
    .filter((c) => c.kind === 'clients' && (c.action === 'create' || c.action === 'replace'))
    .map((c) => c.address);
}

interface LiveClients {
  ids: string[];
  /** Per id: `clients/<name>` when the client is known, else the id. */
  keys: string[];
}

function liveClients(liveRaw: JsonObject, input: KindPlanInput): LiveClients {
  const ids = Array.isArray(liveRaw.enabled_clients) ? liveRaw.enabled_clients.map((id) => str(id)) : [];
  const keys = ids.map((id) => {
    const name = input.ctx.clientNames.get(id);
    return name === undefined ? id : `clients/${name}`;
  });
  return { ids, keys };
}

/**
 * The PATCH /connections/{id}/clients body that turns the live set into the declared set: enable what is
 * missing, disable what is extra (by live id), and disable the new clients Auth0 is about to enable here.
 */
function clientDelta(desired: Json[], live: LiveClients, incoming: string[]): JsonObject[] {
  const want = new Set(desired.map(clientKey));
  const have = new Set(live.keys);
  const delta: JsonObject[] = [];
  for (const ref of desired) if (!have.has(clientKey(ref))) delta.push({ client_id: ref, status: true });
  live.ids.forEach((id, i) => {
    if (!want.has(live.keys[i] ?? id)) delta.push({ client_id: id, status: false });
  });
  for (const address of incoming)
    if (!want.has(address) && !have.has(address)) delta.push({ client_id: { $ref: address }, status: false });
  return delta;
}

/**
 * The default plan, then enabled clients turned into a delta and kept exact: a declared `enabled_clients`
 * is the whole truth after apply, even when Auth0 enables the clients this run creates on every
 * connection. A replace deletes the users; src/plan/risk.ts marks it (apply needs --allow-lockout-risk).
 */
export function planConnections(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out = defaultPlanKind(handler, input);
  const incoming = autoEnablesNewClients(input) ? newClients(input) : [];
  const liveByKey = new Map(input.live.map((l) => [handler.liveKeyOf(l, input.ctx), l]));
  const changed = new Map(out.changes.map((c) => [c.address, c]));
  for (const item of input.items) {
    const liveRaw = liveByKey.get(item.key);
    const change = changed.get(item.address);
    if (liveRaw === undefined || change?.action === 'replace') continue;
    if (change?.body?.options !== undefined && liveRaw.options === undefined)
      out.errors.push(`${item.address}: ${OPTIONS_UNSEEN}`);
    const declared = handler.toApi(item.body).enabled_clients;
    if (!Array.isArray(declared) || (change === undefined && incoming.length === 0)) continue;
    const live = liveClients(liveRaw, input);
    const delta = clientDelta(declared, live, incoming);
    const kept = delta
      .filter((d) => isRef(d.client_id) && d.status === false)
      .map((d) => clientKey(d.client_id as Json));
    const note = `tenant flag enable_client_connections enables new clients on every connection; kept off here: ${kept.join(', ')}`;
    if (change) {
      if (delta.length > 0) change.body = { ...change.body, enabled_clients: delta };
      if (kept.length > 0) change.note = note;
    } else if (kept.length > 0) {
      out.changes.push({
        address: item.address,
        kind: handler.kind,
        key: item.key,
        action: 'update',
        id: handler.idOf(liveRaw),
        fields: [{ path: 'enabled_clients', from: [...live.keys, ...kept], to: live.keys }],
        liveDigest: digest(liveCanonical(handler, liveRaw, input.ctx)),
        body: { enabled_clients: delta },
        note,
      });
    }
  }
  return out;
}
