import { byText } from '../text-order.js';
import { z } from 'zod';
import type { Api } from '../api/types.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { isRef, refTo, str } from './common.js';
import type { Reference } from './types.js';

/**
 * An organization's enabled connections and members: sub-resources of /organizations/{id}, declared on the
 * organization item. Both compare as maps (connection name -> its options, member email -> its roles), so a
 * plan names what changed, and both are exact: what the manifest leaves out is removed.
 */
export const connectionsSchema = z.array(
  z.strictObject({
    name: z.string().min(1),
    assign_membership_on_login: z.boolean().optional(),
    show_as_button: z.boolean().optional(),
    is_signup_enabled: z.boolean().optional(),
  }),
);

export const membersSchema = z.array(
  z.strictObject({
    email: z.email(),
    /** The user's connection: an email may belong to one user per connection. */
    connection: z.string().min(1),
    /** The member's roles in this organization, by role name: the exact set (none when left out). */
    roles: z.array(z.string().min(1)).optional(),
  }),
);

export const WIRING_FIELDS = ['connections', 'members'] as const;

/** Options an enabled connection has when not given (OAS AddOrganizationConnectionRequestContent). */
export const DEFAULTS: JsonObject = { assign_membership_on_login: false, show_as_button: true, is_signup_enabled: false };
const OPTIONS = Object.keys(DEFAULTS);

export function wiringReferences(item: JsonObject): Reference[] {
  const out: Reference[] = [];
  const list = (v: Json | undefined) => (Array.isArray(v) ? v.filter(isObject) : []);
  list(item.connections).forEach((c, i) =>
    out.push({ kind: 'connections', key: str(c.name), path: ['connections', i, 'name'] }),
  );
  list(item.members).forEach((m, i) => {
    out.push({ kind: 'connections', key: str(m.connection), path: ['members', i, 'connection'] });
    const roles = Array.isArray(m.roles) ? m.roles : [];
    roles.forEach((r, j) => out.push({ kind: 'roles', key: String(r), path: ['members', i, 'roles', j] }));
  });
  return out;
}

function options(entry: JsonObject): JsonObject {
  return Object.fromEntries(OPTIONS.map((k) => [k, entry[k] ?? DEFAULTS[k] ?? null]));
}

const byRef = (a: Json, b: Json) => byText(str(isRef(a) ? a.$ref : ''), str(isRef(b) ? b.$ref : ''));

/** Manifest lists -> the API-side maps, with connections and roles as `{ $ref }`s resolved at apply. */
export function wiringToApi(item: JsonObject, out: JsonObject): void {
  if (Array.isArray(item.connections)) {
    out.connections = Object.fromEntries(
      item.connections.filter(isObject).map((c) => [
        str(c.name),
        { connection_id: refTo('connections', str(c.name)), ...options(c) },
      ]),
    );
  }
  if (Array.isArray(item.members)) {
    out.members = Object.fromEntries(
      item.members.filter(isObject).map((m) => [
        str(m.email).toLowerCase(),
        {
          connection: str(m.connection),
          roles: (Array.isArray(m.roles) ? m.roles : []).map((r) => refTo('roles', String(r))).sort(byRef),
        },
      ]),
    );
  }
}

/** The live sub-resources that `listWiring` attached, in the same map form. */
export function wiringFromLive(live: JsonObject, out: JsonObject): void {
  if (Array.isArray(live.enabled_connections)) {
    out.connections = Object.fromEntries(
      live.enabled_connections.filter(isObject).map((c) => {
        const name = isObject(c.connection) ? str(c.connection.name) : str(c.connection_id);
        return [name, { connection_id: refTo('connections', name), ...options(c) }];
      }),
    );
  }
  if (Array.isArray(live.members)) {
    out.members = Object.fromEntries(
      live.members.filter(isObject).map((m) => [
        str(m.email).toLowerCase(),
        { roles: (Array.isArray(m.roles) ? m.roles.filter(isObject) : []).map((r) => refTo('roles', str(r.name))).sort(byRef) },
      ]),
    );
  }
}

/** Both sides compare on the options and the role set; a member's connection only finds the user. */
export function canonicalWiring(body: JsonObject, out: JsonObject): void {
  if (isObject(body.connections)) {
    out.connections = Object.fromEntries(
      Object.entries(body.connections).map(([name, c]) => [name, isObject(c) ? { connection_id: c.connection_id ?? null, ...options(c) } : c]),
    );
  }
  if (isObject(body.members)) {
    out.members = Object.fromEntries(
      Object.entries(body.members).map(([email, m]) => [email, isObject(m) && Array.isArray(m.roles) ? m.roles : []]),
    );
  }
}

const orgPath = (id: string, rest: string) => `/organizations/${encodeURIComponent(id)}/${rest}`;

/** Each organization with its enabled connections (offset pages) and members with roles (checkpoints). */
export async function listWiring(
  api: Api,
  org: JsonObject,
  which: readonly (typeof WIRING_FIELDS)[number][] = WIRING_FIELDS,
): Promise<JsonObject> {
  const id = str(org.id);
  const [enabled, members] = await Promise.all([
    which.includes('connections') ? api.list(orgPath(id, 'enabled_connections'), 'enabled_connections') : undefined,
    which.includes('members')
      ? api.list(orgPath(id, 'members'), 'members', {
          checkpoint: true,
          query: { fields: 'user_id,email,roles', include_fields: true },
        })
      : undefined,
  ]);
  return { ...org, ...(enabled && { enabled_connections: enabled }), ...(members && { members }) };
}

/** Makes the enabled connections exactly the desired map (resolved ids; removed entries are null). */
export async function syncConnections(api: Api, id: string, want: JsonObject): Promise<void> {
  const have = await api.list(orgPath(id, 'enabled_connections'), 'enabled_connections');
  const desired = Object.values(want).filter(isObject);
  const wantIds = new Set(desired.map((c) => str(c.connection_id)));
  for (const c of have)
    if (!wantIds.has(str(c.connection_id)))
      await api.request({ method: 'DELETE', path: orgPath(id, `enabled_connections/${encodeURIComponent(str(c.connection_id))}`) });
  for (const c of desired) {
    const current = have.find((h) => h.connection_id === c.connection_id);
    const opts = options(c);
    if (!current)
      await api.request({ method: 'POST', path: orgPath(id, 'enabled_connections'), body: { connection_id: str(c.connection_id), ...opts } });
    else if (JSON.stringify(options(current)) !== JSON.stringify(opts))
      await api.request({
        method: 'PATCH',
        path: orgPath(id, `enabled_connections/${encodeURIComponent(str(c.connection_id))}`),
        body: opts,
      });
  }
}
