import { byText } from '../text-order.js';
import { z } from 'zod';
import type { Api } from '../api/types.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, refTo, str, builtOnce } from './common.js';
import { clientKey, planConnections } from './connection-plan.js';
import type { Field } from './fields/field.js';
import { connectionsCatalog, connectionsVariants } from './fields/connections.js';
import { canonicalFields, type FieldSemantics } from './fields/semantics.js';
import { unionShape, variantShape, withoutKeys } from './fields/variants.js';
import { fieldSchema, itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import type { KindHandler } from './types.js';

/**
 * Option values that are secrets (OAS: client secrets of social and enterprise providers, Apple's private
 * key, Google Workspace admin tokens, the SAML signing and decryption keys, SMS gateway secrets): only
 * from env-bound keywords, sent but never read back into a comparison or printed.
 */
const OPTION_SECRETS = [
  'client_secret',
  'app_secret',
  'admin_access_token',
  'admin_refresh_token',
  'twilio_token',
  'signing_key.key',
  'decryptionKey',
  'gateway_authentication.secret',
];

/** Option keys manifests cannot declare (nested, so fields:coverage lists them apart). */
const UNMANAGED_OPTIONS: Record<string, string> = {
  configuration: 'the API stores these custom-database values encrypted and never shows them, so they cannot be compared',
};

const spec: ItemSchemaSpec = {
  overrides: {
    name: z
      .string()
      .max(128)
      .regex(
        /^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$/,
        'must start and end with a letter or digit, with single hyphens between (no spaces)',
      ),
    // Client names; the exact set of clients the connection is enabled for.
    enabled_clients: z
      .array(z.string().min(1))
      .refine((list) => new Set(list).size === list.length, 'client names must be unique'),
    // The API takes null values to delete keys; a manifest deletes a key by leaving it out.
    metadata: z
      .record(z.string(), z.string().max(255))
      .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys'),
  },
};

const semantics: FieldSemantics = {
  sets: ['realms', 'enabled_clients', 'options.domain_aliases', 'options.non_persistent_attrs', 'options.password_dictionary.dictionary'],
  secrets: OPTION_SECRETS.map((path) => `options.${path}`),
};

const FIELDS = managedFields(connectionsCatalog, spec);

/** One strategy's options as a manifest declares them. */
function optionsShape(shape: Field): Field {
  // No option is required: an update sends the live options with the declared keys changed, so a manifest
  // declares only the options it manages (a create missing one the API needs is refused by the API).
  const { required: _all, ...own } = withoutKeys(shape, Object.keys(UNMANAGED_OPTIONS));
  const key = own.properties?.decryptionKey;
  // The PEM string form only: a secret comes whole from one env-bound keyword, never as a mapping.
  const pem = key?.oneOf?.find((alt) => alt.type === 'string');
  return pem ? { ...own, properties: { ...own.properties, decryptionKey: pem } } : own;
}

const byStrategy = new Map<string, z.ZodObject>();

/** The item schema of one strategy; undefined for a strategy the spec describes no options for. */
function strategySchema(strategy: unknown): z.ZodObject | undefined {
  const shape = variantShape(connectionsVariants, strategy);
  if (shape === undefined) return undefined;
  const key = String(strategy);
  let schema = byStrategy.get(key);
  if (schema === undefined) {
    const options = fieldSchema(optionsShape(shape));
    schema = itemSchemaOf(connectionsCatalog, { ...spec, overrides: { ...spec.overrides, options } });
    byStrategy.set(key, schema);
  }
  return schema;
}

/**
 * Editors see every strategy's option keys at once (the generic body leaves options open); the check
 * then holds the options to the declared strategy's own, once the item is otherwise valid.
 */
let anyOptions: z.ZodType | undefined;
// Built on first use (an editor's schema, or a strategy without its own options): the union of every
// strategy's options is the largest schema of all, and building it cost every command's start-up.
const anyOptionsLazy = z.lazy(() => {
  anyOptions ??= fieldSchema(
    optionsShape(unionShape([connectionsCatalog.fields.options!, ...Object.values(connectionsVariants.shapes)])),
  );
  return anyOptions;
});
const itemSchema = builtOnce(() =>
  itemSchemaOf(connectionsCatalog, {
    ...spec,
    overrides: { ...spec.overrides, options: anyOptionsLazy },
  }).check((payload) => {
    const item = payload.value as JsonObject;
    const own = strategySchema(item.strategy);
    if (payload.issues.length > 0 || own === undefined || item.options === undefined) return;
    for (const issue of own.safeParse(item).error?.issues ?? []) payload.issues.push({ ...issue, input: item } as never);
  }),
);

function sortedClients(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => byText(clientKey(a), clientKey(b)));
}

/** Sets `path` in `to` from `from` where `to` has no value there (nested objects are copied, not shared). */
function keepAbsent(from: JsonObject, to: JsonObject, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || from[head] === undefined) return;
  if (rest.length === 0) {
    to[head] ??= from[head];
    return;
  }
  const inner = from[head];
  if (!isObject(inner)) return;
  const target = isObject(to[head]) ? { ...to[head] } : to[head] === undefined ? {} : undefined;
  if (target === undefined) return;
  keepAbsent(inner, target, rest);
  if (Object.keys(target).length > 0) to[head] = target;
}

const path = (id: string, rest = '') => `/connections/${encodeURIComponent(id)}${rest}`;

/** `[{client_id, status}]` through PATCH /connections/{id}/clients (204, OAS patch_clients). */
async function patchClients(api: Api, id: string, changes: Json[]): Promise<void> {
  if (changes.length > 0) await api.request({ method: 'PATCH', path: path(id, '/clients'), body: changes });
}

/**
 * Every enabled client of one connection: a checkpoint list that always answers `{clients, next?}`, up to
 * 1000 a page here (mgmt-api.md §2.3), so one request per connection with up to 1000 clients.
 */
async function enabledClientIds(api: Api, id: string): Promise<string[]> {
  const clients = await api.list(path(id, '/clients'), 'clients', { checkpoint: true, pageSize: 1000 });
  return clients.map((c) => str(c.client_id)).filter((c) => c !== '');
}

/**
 * PATCH replaces `options` whole (OAS patch_connections_by_id), and a plan never carries a secret the
 * manifest does not declare: the secrets the tenant holds are read just before the PATCH and sent back,
 * so changing a social connection's scopes keeps its client secret.
 */
async function withLiveSecrets(api: Api, id: string, options: JsonObject): Promise<JsonObject> {
  const res = await api.request({ method: 'GET', path: path(id) });
  const live = isObject(res.body) && isObject(res.body.options) ? res.body.options : {};
  const out = { ...options };
  for (const secret of OPTION_SECRETS) keepAbsent(live, out, secret.split('.'));
  return out;
}

/**
 * Enabled clients of an existing connection go through `/connections/{id}/clients` (GET to read, PATCH
 * `[{client_id, status}]` to change), not the connection's `enabled_clients` array: the OAS marks that
 * array DEPRECATED on update and read, the list answer (ConnectionForList) no longer carries it, and a real
 * PATCH /connections was refused with `Additional properties not allowed: enabled_clients` (mgmt-api.md
 * §3.2). Only a create still sends the array, which saves a PATCH per new connection. The PATCH
 * changes only the clients it names, so clients that Auth0 enables on its own (tenant flag
 * enable_client_connections) are disabled explicitly: see connection-plan.ts.
 */
export const connections: KindHandler = {
  kind: 'connections',
  label: 'connection',
  get itemSchema() {
    return itemSchema();
  },
  itemSchemaFor: (raw) => strategySchema((raw as JsonObject | null)?.strategy) ?? itemSchema(),
  fields: { catalog: connectionsCatalog, spec, semantics, unmanagedNested: Object.fromEntries(
      Object.entries(UNMANAGED_OPTIONS).map(([key, reason]) => [`options.${key}`, reason]),
    ),
  },
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: (item) =>
    (Array.isArray(item.enabled_clients) ? item.enabled_clients : []).map((name, i) => ({
      kind: 'clients' as const,
      key: str(name),
      path: ['enabled_clients', i],
    })),
  protectedReason: () => undefined,
  toApi(item) {
    const out = pick(item, FIELDS);
    if (Array.isArray(item.enabled_clients))
      out.enabled_clients = item.enabled_clients.map((name) => refTo('clients', str(name)));
    return out;
  },
  fromLive(live, ctx) {
    const out = pick(live, FIELDS);
    if (Array.isArray(live.enabled_clients)) {
      out.enabled_clients = live.enabled_clients.map((id) => {
        const name = ctx.clientNames.get(str(id));
        return name === undefined ? str(id) : refTo('clients', name);
      });
    }
    return out;
  },
  canonicalize(body) {
    const out = canonicalFields(pick(body, FIELDS), semantics);
    const clients = sortedClients(out.enabled_clients);
    if (clients !== undefined) out.enabled_clients = clients;
    return out;
  },
  // A connection cannot change its strategy in place; recreating it deletes its users (connection-plan.ts).
  replaceFields: ['strategy'],
  mapFields: ['metadata'],
  secretFields: semantics.secrets,
  plan: planConnections,
  // Clients first: a connection may enable a client created in the same run. The tenant's flags tell
  // whether Auth0 enables new clients on every connection by itself.
  dependsOn: ['clients', 'tenant'],
  idOf: (live) => str(live.id),
  subResources: ['enabled_clients'],
  async list(api, read) {
    const all = await api.list('/connections', 'connections', { checkpoint: true });
    if (read && !read.has('enabled_clients')) return all;
    const withClients = async (c: JsonObject) => ({
      ...c,
      enabled_clients: await enabledClientIds(api, str(c.id)),
    });
    return Promise.all(all.map(withClients));
  },
  // Users and organizations name connections: no enabled clients needed.
  listRefs: (api) => api.list('/connections', 'connections', { checkpoint: true }),
  /**
   * One POST with the enabled clients in it (OAS CreateConnectionRequestContent takes `enabled_clients`):
   * a new connection has no other clients to keep or drop, so no PATCH of /clients has to follow.
   */
  async create(api, body) {
    const res = await api.request({ method: 'POST', path: '/connections', body });
    return res.body as JsonObject;
  },
  /**
   * An update's `enabled_clients` is already the delta `[{client_id, status}]` (connection-plan.ts). The
   * rest is one PATCH; its `options` is the live options with the declared keys changed, because
   * PATCH replaces options whole (OAS patch_connections_by_id).
   */
  async update(api, id, body) {
    const { enabled_clients: delta, ...rest } = body;
    if (isObject(rest.options)) rest.options = await withLiveSecrets(api, id, rest.options);
    let updated: JsonObject = { id };
    if (Object.keys(rest).length > 0) {
      const res = await api.request({ method: 'PATCH', path: path(id), body: rest });
      updated = res.body as JsonObject;
    }
    await patchClients(api, id, Array.isArray(delta) ? delta : []);
    return updated;
  },
  // 202 with `deleted_at`: the users of the connection are deleted in the background (mgmt-api.md §3.3).
  async remove(api, id) {
    await api.request({ method: 'DELETE', path: path(id) });
  },
};
