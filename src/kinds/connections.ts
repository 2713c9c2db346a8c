import { z } from 'zod';
import type { Api } from '../api/types.js';
import type { Json, JsonObject } from '../json.js';
import { pick, refTo, str } from './common.js';
import { clientKey, planConnections } from './connection-plan.js';
import type { KindHandler } from './types.js';

const FIELDS = [
  'name',
  'strategy',
  'display_name',
  'is_domain_connection',
  'show_as_button',
  'realms',
  'metadata',
  'options',
  'enabled_clients',
] as const;

const toggle = <T extends z.ZodRawShape>(extra: T) => z.strictObject({ enable: z.boolean(), ...extra });

/**
 * The database-connection options that matter (OAS ConnectionOptionsAuth0). Only declared keys are
 * compared; the rest of the live options is kept as it is (see `update`).
 */
const optionsSchema = z.strictObject({
  passwordPolicy: z.enum(['none', 'low', 'fair', 'good', 'excellent']).nullable().optional(),
  password_complexity_options: z.strictObject({ min_length: z.number().int().min(1).max(128) }).optional(),
  password_history: toggle({ size: z.number().int().min(0).max(24).optional() }).optional(),
  password_no_personal_info: toggle({}).optional(),
  password_dictionary: toggle({ dictionary: z.array(z.string().max(50)).optional() }).optional(),
  brute_force_protection: z.boolean().optional(),
  requires_username: z.boolean().optional(),
  validation: z
    .strictObject({
      username: z.strictObject({ min: z.number().int().min(1), max: z.number().int().max(128) }),
    })
    .optional(),
  disable_signup: z.boolean().optional(),
  disable_self_service_change_password: z.boolean().optional(),
  non_persistent_attrs: z.array(z.string().max(255)).max(96).optional(),
  mfa: z
    .strictObject({ active: z.boolean().optional(), return_enroll_settings: z.boolean().optional() })
    .optional(),
});

const itemSchema = z.strictObject({
  // OAS CreateConnectionRequestContent.name; immutable once created (the update schema has no name).
  name: z
    .string()
    .max(128)
    .regex(
      /^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$/,
      'must start and end with a letter or digit, with single hyphens between (no spaces)',
    ),
  // Database connections only: other strategies carry secrets in options (client_secret, twilio_token).
  strategy: z.literal('auth0'),
  display_name: z.string().max(128).optional(),
  is_domain_connection: z.boolean().optional(),
  show_as_button: z.boolean().optional(),
  realms: z.array(z.string().min(1)).optional(),
  metadata: z
    .record(z.string(), z.string().max(255))
    .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys')
    .optional(),
  options: optionsSchema.optional(),
  // Client names; the exact set of clients the connection is enabled for.
  enabled_clients: z
    .array(z.string().min(1))
    .refine((list) => new Set(list).size === list.length, 'client names must be unique')
    .optional(),
});

function sortedClients(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => clientKey(a).localeCompare(clientKey(b)));
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
  itemSchema,
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
    const out = pick(body, FIELDS);
    if (Array.isArray(out.realms)) out.realms = [...out.realms].sort();
    const clients = sortedClients(out.enabled_clients);
    if (clients !== undefined) out.enabled_clients = clients;
    return out;
  },
  // A connection cannot change its strategy in place; recreating it deletes its users (connection-plan.ts).
  replaceFields: ['strategy'],
  mapFields: ['metadata'],
  plan: planConnections,
  // Clients first: a connection may enable a client created in the same run. The tenant's flags tell
  // whether Auth0 enables new clients on every connection by itself.
  dependsOn: ['clients', 'tenant'],
  idOf: (live) => str(live.id),
  async list(api) {
    const all = await api.list('/connections', 'connections', { checkpoint: true });
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
