import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { isRef } from '../kinds/common.js';
import type { Kind, KindContext, KindHandler } from '../kinds/types.js';
import { liveCanonical } from '../plan/context.js';

/** One live object as a manifest item (and the fields it had to leave out), or why it cannot be one. */
export type ExportedItem = { item: JsonObject; omitted: string[] } | { skipped: string };

/** `{ $ref: 'clients/Orders' }` -> `Orders`: manifests name what they point at. */
function names(value: Json): Json {
  if (isRef(value)) return value.$ref.slice(value.$ref.indexOf('/') + 1);
  if (Array.isArray(value)) return value.map(names);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, names(v)]));
  return value;
}

/**
 * Values that carry nothing a manifest needs: a field left out is unmanaged, so dropping an empty value
 * never plans a change, and the exported files stay short.
 */
function isEmpty(value: Json | undefined): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function withoutEmpty(body: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => !isEmpty(v)));
}

/** Per-kind differences between the API's comparable form and the manifest's field names. */
const RENAMES: Partial<Record<Kind, (body: JsonObject) => JsonObject | string>> = {
  clientGrants({ client_id, ...rest }) {
    // The default grant of third-party clients names no client.
    if (client_id === undefined && rest.default_for !== undefined) return rest;
    if (!isRef(client_id)) return 'its client is not in the tenant any more';
    return { client: names(client_id), ...rest };
  },
  /** Role permissions compare as `{ api: [scopes] }`; manifests list them per API. */
  roles({ permissions, ...rest }) {
    if (!isObject(permissions)) return rest;
    const list = Object.entries(permissions).map(([api, scopes]) => ({ api, scopes: scopes ?? [] }));
    return { ...rest, permissions: list.sort((a, b) => (a.api < b.api ? -1 : 1)) };
  },
  /**
   * Enabled connections compare as a map by name; manifests list them. Members are left out: the API
   * names a member by email only, and a manifest member needs the connection that holds the user.
   */
  organizations({ connections, members: _members, ...rest }) {
    if (!isObject(connections)) return rest;
    const list = Object.entries(connections).map(([name, c]) => {
      const { connection_id: _id, ...options } = isObject(c) ? c : {};
      return { name, ...options };
    });
    return { ...rest, connections: list.sort((a, b) => (a.name < b.name ? -1 : 1)) };
  },
  /** The API never returns a credential's key material, so credentials cannot be written back. */
  clients({ credentials: _credentials, client_authentication_methods: _methods, ...rest }) {
    return rest;
  },
  connections(body) {
    const unnamed = Array.isArray(body.enabled_clients)
      ? body.enabled_clients.filter((c) => !isRef(c))
      : [];
    if (unnamed.length > 0) return `enabled clients ${unnamed.join(', ')} are not in the tenant`;
    return body;
  },
};

/**
 * The manifest item that, planned against this live object, changes nothing: the same comparable form the
 * plan uses (so export and plan cannot disagree), with references as names and empty values left out.
 * Secrets are never part of that form (they are never compared), so they cannot leak into an export.
 */
export function manifestItem(handler: KindHandler, live: JsonObject, ctx: KindContext): ExportedItem {
  const canonical = liveCanonical(handler, live, ctx);
  const renamed = RENAMES[handler.kind]?.(canonical) ?? canonical;
  if (typeof renamed === 'string') return { skipped: renamed };
  const item = names(withoutEmpty(renamed)) as JsonObject;
  return fitSchema(handler, item);
}

function removeAt(body: JsonObject, path: PropertyKey[]): void {
  let node: Json | undefined = body;
  for (const step of path.slice(0, -1)) node = isObject(node) || Array.isArray(node) ? (node as never)[step] : undefined;
  const last = path[path.length - 1];
  if (isObject(node) && typeof last === 'string') delete node[last];
}

/**
 * Fields the tenant holds but manifests cannot declare (a flag newer than tenantctl, a value out of the
 * schema's range) are left out and named, since a field left out is unmanaged and plans no change. An item
 * whose key itself does not fit is left out whole.
 */
function fitSchema(handler: KindHandler, item: JsonObject): ExportedItem {
  const key = handler.keyOf(item);
  const omitted: string[] = [];
  for (let round = 0; round < 10; round += 1) {
    const checked = handler.itemSchema.safeParse(item);
    if (checked.success) return { item, omitted };
    for (const issue of checked.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          removeAt(item, [...issue.path, k]);
          omitted.push([...at, k].join('.'));
        }
      } else if (issue.path.length > 0) {
        removeAt(item, issue.path);
        omitted.push(`${at.join('.')} (${issue.message})`);
      }
    }
    if (handler.keyOf(item) !== key || omitted.length === 0) break;
  }
  const issue = handler.itemSchema.safeParse(item).error?.issues[0];
  return { skipped: `tenantctl cannot declare it (${issue?.message ?? 'its key does not fit the schema'})` };
}
