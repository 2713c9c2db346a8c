import type { Json, JsonObject } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import { isRef, str } from '../kinds/common.js';
import { DEFAULTS as ORG_CONNECTION_DEFAULTS } from '../kinds/org-wiring.js';
import type { Kind, KindContext, KindHandler } from '../kinds/types.js';
import { liveCanonical } from '../plan/context.js';
import { defaultsFor, withoutDefaults } from './defaults.js';

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

const LIFETIMES = ['session_lifetime', 'idle_session_lifetime', 'ephemeral_session_lifetime', 'idle_ephemeral_session_lifetime'];

/**
 * A credential's PEM is write-only in the API (GET /clients/{id}/credentials answers its kid or thumbprint
 * only), so the export names a keyword for it; a subject DN is its own identity and is written as is.
 */
function credentialList(client: string, credentials: Json | undefined, keyword: KeywordNamer): Json[] {
  if (!isObject(credentials)) return [];
  return Object.entries(credentials)
    .filter((e): e is [string, JsonObject] => isObject(e[1]))
    .map(([name, c]) => {
      const type = str(c.credential_type) || 'public_key';
      const out: JsonObject = { name };
      if (type !== 'public_key') out.credential_type = type;
      if (type === 'cert_subject_dn') out.subject_dn = c.key ?? '';
      else out.pem = `@@${keyword({ key: client, field: `${name}_pem`, sensitive: false })}@@`;
      if (type === 'public_key' && c.alg !== 'RS256') out.alg = c.alg ?? null;
      if (typeof c.expires_at === 'string') out.expires_at = c.expires_at;
      return out;
    })
    .sort((a, b) => (str(a.name) < str(b.name) ? -1 : 1));
}

/** Organization members by email, with the connection that holds each user (looked up by the export). */
function memberList(members: Json | undefined, live: JsonObject): Json[] {
  if (!isObject(members)) return [];
  const liveMembers = Array.isArray(live.members) ? live.members.filter(isObject) : [];
  const connectionOf = new Map(liveMembers.map((m) => [str(m.email).toLowerCase(), str(m.connection)]));
  return Object.entries(members)
    .map(([email, roles]) => ({
      email,
      connection: connectionOf.get(email) ?? '',
      ...(Array.isArray(roles) && roles.length > 0 ? { roles: roles.map(names) } : {}),
    }))
    .sort((a, b) => (a.email < b.email ? -1 : 1));
}

export type KeywordNamer = (use: { key: string; field: string; sensitive: boolean }) => string;

interface RenameInput {
  body: JsonObject;
  live: JsonObject;
  keyword: KeywordNamer;
}

/** Per-kind differences between the API's comparable form and the manifest's field names. */
const RENAMES: Partial<Record<Kind, (input: RenameInput) => JsonObject | string>> = {
  clientGrants({ body: { client_id, ...rest } }) {
    // The default grant of third-party clients names no client.
    if (client_id === undefined && rest.default_for !== undefined) return rest;
    if (!isRef(client_id)) return 'its client is not in the tenant any more';
    return { client: names(client_id), ...rest };
  },
  /** Role permissions compare as `{ api: [scopes] }`; manifests list them per API. */
  roles({ body: { permissions, ...rest } }) {
    if (!isObject(permissions)) return rest;
    const list = Object.entries(permissions).map(([api, scopes]) => ({ api, scopes: scopes ?? [] }));
    return { ...rest, permissions: list.sort((a, b) => (a.api < b.api ? -1 : 1)) };
  },
  /** Enabled connections and members compare as maps by name and email; manifests list them. */
  organizations({ body: { connections, members, ...rest }, live }) {
    const out: JsonObject = { ...rest };
    if (isObject(connections)) {
      const list = Object.entries(connections).map(([name, c]) => {
        const { connection_id: _id, ...options } = isObject(c) ? c : {};
        // Options equal to what the API assumes when they are not given (org-wiring.ts) stay out.
        const set = Object.entries(options).filter(([k, v]) => ORG_CONNECTION_DEFAULTS[k] !== v);
        return { name, ...Object.fromEntries(set) };
      });
      out.connections = list.sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    if (isObject(members)) out.members = memberList(members, live);
    return out;
  },
  clients({ body: { credentials, client_authentication_methods: _methods, ...rest }, keyword }) {
    const list = credentialList(str(rest.name), credentials, keyword);
    return list.length > 0 ? { ...rest, credentials: list } : rest;
  },
  connections({ body }) {
    const unnamed = Array.isArray(body.enabled_clients)
      ? body.enabled_clients.filter((c) => !isRef(c))
      : [];
    if (unnamed.length > 0) return `enabled clients ${unnamed.join(', ')} are not in the tenant`;
    return body;
  },
  /**
   * The API answers lifetimes in hours and again in minutes: one form is written, hours when they are
   * whole (manifests take whole hours), minutes otherwise (90 minutes reads back as 1.5 hours).
   */
  tenant({ body }) {
    const out = { ...body };
    for (const hours of LIFETIMES) {
      const minutes = `${hours}_in_minutes`;
      if (!(hours in out) || !(minutes in out)) continue;
      if (Number.isInteger(out[hours])) delete out[minutes];
      else delete out[hours];
    }
    return out;
  },
};

/** Fields that name the object or chose its defaults: written even when they equal a default. */
const IDENTITY = ['name', 'identifier', 'strategy'];

/**
 * The manifest item that, planned against this live object, changes nothing: the same comparable form the
 * plan uses (so export and plan cannot disagree), with references as names, and empty values and server
 * defaults left out (a field left out is unmanaged, so it plans no change). Secrets are never part of that
 * form (they are never compared), so they cannot leak into an export.
 */
export function manifestItem(
  handler: KindHandler,
  live: JsonObject,
  at: { ctx: KindContext; keyword: KeywordNamer },
): ExportedItem {
  const canonical = liveCanonical(handler, live, at.ctx);
  const defaults = defaultsFor(handler, live, at.ctx);
  const short = defaults ? withoutDefaults(canonical, defaults, { mapFields: handler.mapFields, keys: IDENTITY }) : canonical;
  const form = (body: JsonObject): JsonObject | string => {
    const renamed = RENAMES[handler.kind]?.({ body, live, keyword: at.keyword }) ?? body;
    return typeof renamed === 'string' ? renamed : (names(withoutEmpty(renamed)) as JsonObject);
  };
  const item = form(short);
  if (typeof item === 'string') return { skipped: item };
  // A nested object trimmed to its non-default keys may lack keys the schema requires (refresh_token's
  // rotation_type): such a field is written whole.
  const full = form(canonical) as JsonObject;
  for (const issue of handler.itemSchema.safeParse(item).error?.issues ?? []) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in full && stableStringify(full[field] as Json) !== stableStringify((item[field] ?? null) as Json))
      item[field] = full[field] as Json;
  }
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
