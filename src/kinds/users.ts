import { z } from 'zod';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, str } from './common.js';
import type { KindHandler } from './types.js';
import { applyUsersPhase } from './users/apply.js';
import { USER_FIELDS, userKey } from './users/config.js';
import { planUsers } from './users/plan.js';
import { listUsers } from './users/read.js';

// Any JSON values; a recursive JSON schema would need $defs, which the generated manifest schema does not carry.
const metadata = z.record(z.string(), z.unknown());

/** Field limits from the API (mgmt-api.md §8.1: names 1..150, name/nickname 1..300, username 1..128). */
const itemSchema = z.strictObject({
  connection: z.string().min(1),
  email: z.email(),
  username: z.string().min(1).max(128).optional(),
  name: z.string().min(1).max(300).optional(),
  given_name: z.string().min(1).max(150).optional(),
  family_name: z.string().min(1).max(150).optional(),
  nickname: z.string().min(1).max(300).optional(),
  picture: z.string().min(1).optional(),
  blocked: z.boolean().optional(),
  email_verified: z.boolean().optional(),
  user_metadata: metadata.optional(),
  app_metadata: metadata.optional(),
  /** Write-only: sent on create, never compared; only from an env-bound keyword (`secretFields`). */
  password: z.string().min(1).optional(),
});

const COMPARED = ['connection', ...USER_FIELDS] as const;

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

export const users: KindHandler = {
  kind: 'users',
  label: 'user',
  itemSchema,
  keyOf: (item) => userKey(str(item.connection), str(item.email)),
  liveKeyOf: (live) =>
    typeof live.connection === 'string' && typeof live.email === 'string'
      ? userKey(live.connection, live.email)
      : undefined,
  references: (item) => [{ kind: 'connections', key: str(item.connection), path: ['connection'] }],
  protectedReason: () => undefined,
  toApi: (item) => pick(item, [...COMPARED, 'password']),
  fromLive: (live) => pick(live, COMPARED),
  // The password is write-only and never read back, so it is never compared: no perpetual diff.
  // Auth0 stores emails in lower case (mgmt-api.md §8.1).
  canonicalize(body) {
    const out = pick(body, COMPARED);
    if (typeof out.email === 'string') out.email = out.email.toLowerCase();
    return out;
  },
  replaceFields: [],
  mapFields: ['user_metadata', 'app_metadata'],
  secretFields: ['password'],
  dependsOn: ['connections'],
  plan: planUsers,
  applyPhase: applyUsersPhase,
  idOf: (live) => str(live.user_id),
  list: listUsers,
  async create(api, body) {
    const res = await api.request({ method: 'POST', path: '/users', body });
    return isObject(res.body) ? res.body : ({} as JsonObject);
  },
  async update(api, id, body) {
    const res = await api.request({ method: 'PATCH', path: userPath(id), body });
    return isObject(res.body) ? res.body : ({} as JsonObject);
  },
  async remove(api, id) {
    await api.request({ method: 'DELETE', path: userPath(id) });
  },
};
