import { byText } from '../text-order.js';
import { z } from 'zod';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, refTo, str, builtOnce } from './common.js';
import { usersCatalog } from './fields/users.js';
import { itemSchemaOf, type ItemSchemaSpec } from './fields/zod.js';
import type { KindHandler, Reference } from './types.js';
import { applyUsersPhase, splitCreate } from './users/apply.js';
import { USER_FIELDS, userKey } from './users/config.js';
import { connectionAddress } from './users/import.js';
import { planUsers } from './users/plan.js';
import { listUsers } from './users/read.js';
import { withLiveRoles } from './users/roles-read.js';
import { connectionOfKey } from './users/route.js';

const spec: ItemSchemaSpec = {
  /**
   * `client_id` is a request option, not user state: the application whose settings an email or phone
   * number change uses for its verification (OAS: optional on PATCH when `email` or `phone_number` changes).
   * Declared by the client's name, sent only with such a change (plan.ts), never compared.
   */
  extra: { verification_client: z.string().min(1) },
  declaredAs: { client_id: 'verification_client' },
  overrides: {
    // Part of the key: required, and never null.
    email: z.email(),
    /** Write-only: sent on create, never compared; only from an env-bound keyword (`secretFields`). */
    password: z.string().min(1),
  },
  required: ['connection', 'email'],
};

/**
 * Request options rather than user state: sent with the create, never read back, so never compared.
 * `user_id` is the id's part after `provider|`: the API takes it on create only, so the plan refuses a
 * declared one that differs from the live user's (plan.ts) instead of planning a change it cannot make.
 */
const CREATE_ONLY = ['user_id', 'verify_email', 'verify_phone_number'];

const itemSchema = builtOnce(() =>
  itemSchemaOf(usersCatalog, spec).extend({
    /** The user's roles by name, the exact set; left out, the user's roles are not managed. */
    roles: z
      .array(z.string().min(1))
      .refine((list) => new Set(list).size === list.length, 'each role is listed once')
      .optional(),
  }),
);

const COMPARED = ['connection', ...USER_FIELDS] as const;
/** What a create or update may send, and what both sides compare: made once, not per user. */
const SENT = [...COMPARED, 'password', ...CREATE_ONLY];
const CANONICAL = [...COMPARED, 'roles'];

/** Roles compare as a set of references, so a role declared or created in the same plan resolves at apply. */
const roleRefs = (names: unknown) =>
  (Array.isArray(names) ? names.map(String) : [])
    .sort(byText)
    .map((name) => refTo('roles', name));

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

export const users: KindHandler = {
  kind: 'users',
  label: 'user',
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: usersCatalog, spec },
  keyOf: (item) => userKey(str(item.connection), str(item.email)),
  liveKeyOf: (live) =>
    typeof live.connection === 'string' && typeof live.email === 'string'
      ? userKey(live.connection, live.email)
      : undefined,
  // Pushed, not spread together: computed for every user twice a run (checks, reads), where each spread
  // of a list walks an iterator without the optimizing compiler (v8-flags.ts).
  references(item) {
    const refs: Reference[] = [{ kind: 'connections', key: str(item.connection), path: ['connection'] }];
    if (typeof item.verification_client === 'string')
      refs.push({ kind: 'clients', key: item.verification_client, path: ['verification_client'] });
    const roles = Array.isArray(item.roles) ? item.roles : [];
    for (let i = 0; i < roles.length; i++) refs.push({ kind: 'roles', key: String(roles[i]), path: ['roles', i] });
    return refs;
  },
  protectedReason: () => undefined,
  toApi(item) {
    const out = pick(item, SENT);
    if (item.roles !== undefined) out.roles = roleRefs(item.roles);
    return out;
  },
  fromLive(live) {
    const out = pick(live, COMPARED);
    if (Array.isArray(live.roles)) out.roles = roleRefs(live.roles);
    return out;
  },
  // The password and create-only options are never read back, so never compared: no perpetual diff.
  // Auth0 stores emails in lower case (mgmt-api.md §8.1).
  canonicalize(body) {
    const out = pick(body, CANONICAL);
    if (typeof out.email === 'string') out.email = out.email.toLowerCase();
    return out;
  },
  replaceFields: [],
  mapFields: ['user_metadata', 'app_metadata'],
  secretFields: ['password'],
  // Roles first: a user's roles may be created in the same apply. A verification client comes before
  // through connections (which depend on clients), and is read only when an item names one (read-live.ts).
  dependsOn: ['connections', 'roles'],
  plan: planUsers,
  // A create or update may go through an import job, whose upload names its connection by id.
  idsNeeded: (change) =>
    change.action === 'create' || change.action === 'update' ? [connectionAddress(connectionOfKey(change.key))] : [],
  applyPhase: applyUsersPhase,
  idOf: (live) => str(live.user_id),
  subResources: ['roles'],
  list: async (api, read) => {
    const live = await listUsers(api);
    return read && !read.has('roles') ? live : withLiveRoles(api, live);
  },
  async create(api, full) {
    const { body, verifyPhone } = splitCreate(full);
    const res = await api.request({ method: 'POST', path: '/users', body });
    const created = isObject(res.body) ? res.body : ({} as JsonObject);
    if (verifyPhone && typeof created.user_id === 'string')
      await api.request({ method: 'PATCH', path: userPath(created.user_id), body: verifyPhone });
    return created;
  },
  async update(api, id, body) {
    const res = await api.request({ method: 'PATCH', path: userPath(id), body });
    return isObject(res.body) ? res.body : ({} as JsonObject);
  },
  async remove(api, id) {
    await api.request({ method: 'DELETE', path: userPath(id) });
  },
};
