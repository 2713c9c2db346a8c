import { nodeCrypto } from '../node-crypto.js';
import type { JsonObject } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import type { Kind, KindContext, KindHandler } from '../kinds/types.js';
import type { Live } from './types.js';

export function kindContext(live: Live): KindContext {
  const clientNames = new Map<string, string>();
  for (const client of live.kinds.clients ?? []) {
    if (typeof client.client_id === 'string' && typeof client.name === 'string')
      clientNames.set(client.client_id, client.name);
  }
  const flags = live.kinds.tenant?.[0]?.flags;
  const apis = live.kinds.resourceServers;
  const liveScopes = apis && new Map(apis.map((rs) => [String(rs.identifier), scopeValues(rs)]));
  return {
    managementAudience: live.managementAudience,
    deployerClientId: live.deployerClientId,
    clientNames,
    ...(isObject(flags) ? { tenantFlags: flags } : {}),
    ...(liveScopes ? { liveScopes } : {}),
  };
}

function scopeValues(rs: JsonObject): Set<string> {
  const scopes = Array.isArray(rs.scopes) ? rs.scopes : [];
  return new Set(scopes.map((s) => (isObject(s) ? String(s.value) : '')));
}

/** The comparable form of a live object: what both plan and the staleness check look at. */
export function liveCanonical(handler: KindHandler, body: JsonObject, ctx: KindContext): JsonObject {
  return handler.canonicalize(handler.fromLive(body, ctx));
}

export function digest(value: JsonObject): string {
  return nodeCrypto().createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

export interface KeyedLive {
  byKey: Map<string, JsonObject[]>;
  /** Live objects we cannot name (e.g. a grant of a client that no longer exists). */
  unkeyed: JsonObject[];
}

/**
 * The last keying of each list: the duplicate check and the kind's plan key the same live objects in turn
 * (every object of a large tenant, twice). Callers only read what keyLive returns.
 */
const keyedLists = new WeakMap<JsonObject[], { handler: KindHandler; ctx: KindContext; keyed: KeyedLive; count: number }>();

export function keyLive(handler: KindHandler, items: JsonObject[], ctx: KindContext): KeyedLive {
  const last = keyedLists.get(items);
  if (last !== undefined && last.handler === handler && last.ctx === ctx && last.count === items.length) return last.keyed;
  const keyed = keyAll(handler, items, ctx);
  keyedLists.set(items, { handler, ctx, keyed, count: items.length });
  return keyed;
}

function keyAll(handler: KindHandler, items: JsonObject[], ctx: KindContext): KeyedLive {
  const byKey = new Map<string, JsonObject[]>();
  const unkeyed: JsonObject[] = [];
  for (const item of items) {
    const key = handler.liveKeyOf(item, ctx);
    if (key === undefined) unkeyed.push(item);
    else {
      const same = byKey.get(key);
      if (same === undefined) byKey.set(key, [item]);
      else same.push(item);
    }
  }
  return { byKey, unkeyed };
}

export function address(kind: Kind, key: string): string {
  return `${kind}/${key}`;
}
