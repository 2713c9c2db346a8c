import type { Api } from '../api/types.js';
import { TenantctlError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { str } from './common.js';

const orgPath = (id: string, rest: string) => `/organizations/${encodeURIComponent(id)}/${rest}`;
const memberRoles = (id: string, userId: string) => orgPath(id, `members/${encodeURIComponent(userId)}/roles`);
/** Member lists go in chunks the size of a page: the API documents no maximum, so stay modest. */
const CHUNK = 100;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/**
 * The user behind a declared member: GET /users-by-email is exact and immediate (search is eventually
 * consistent, mgmt-api.md §8.1); the connection picks the right one among users sharing an email.
 */
async function findUserId(api: Api, email: string, connection: string): Promise<string> {
  const res = await api.request({ method: 'GET', path: '/users-by-email', query: { email } });
  const users = Array.isArray(res.body) ? res.body.filter(isObject) : [];
  const found = users.find((u) =>
    (Array.isArray(u.identities) ? u.identities.filter(isObject) : []).some((i) => i.connection === connection),
  );
  if (!found)
    throw new TenantctlError('org_member', `no user '${email}' in connection '${connection}': create the user first (users section) or fix the member`);
  return str(found.user_id);
}

/** The members the plan saw (`members_live`, org-members-plan.ts), as the list endpoint answers them. */
function plannedMembers(known: JsonObject): JsonObject[] {
  return Object.entries(known).flatMap(([email, m]) =>
    isObject(m) ? [{ email, user_id: str(m.user_id), roles: (Array.isArray(m.roles) ? m.roles : []).map((id) => ({ id })) }] : [],
  );
}

/**
 * Makes the members exactly the desired map (email -> `{connection, roles: [role ids], user_id?}`; removed
 * emails are null), then each member's roles: members are added and removed in chunks, roles per member (the
 * API has no bulk form for organization roles). `known` is what the plan read of the members: given, the
 * apply sends only writes; a new member's id comes from the plan too when it knew the user, and is looked
 * up by email otherwise (a user created in the same apply). Without it (an older plan file) the members
 * are listed again.
 */
export async function syncMembers(api: Api, id: string, want: JsonObject, known?: JsonObject): Promise<void> {
  const have = known
    ? plannedMembers(known)
    : await api.list(orgPath(id, 'members'), 'members', {
        checkpoint: true,
        query: { fields: 'user_id,email,roles', include_fields: true },
      });
  const byEmail = new Map(have.map((m) => [str(m.email).toLowerCase(), m]));
  const desired = Object.entries(want).filter((e): e is [string, JsonObject] => isObject(e[1]));
  const gone = have.filter((m) => !desired.some(([email]) => email === str(m.email).toLowerCase()));
  for (const batch of chunks(gone.map((m) => str(m.user_id))))
    await api.request({ method: 'DELETE', path: orgPath(id, 'members'), body: { members: batch } });

  const plans: { userId: string; roles: string[]; current: string[] }[] = [];
  const added: string[] = [];
  for (const [email, m] of desired) {
    const current = byEmail.get(email);
    const userId = current
      ? str(current.user_id)
      : typeof m.user_id === 'string'
        ? m.user_id
        : await findUserId(api, email, str(m.connection));
    if (!current) added.push(userId);
    const currentRoles = current && Array.isArray(current.roles) ? current.roles.filter(isObject).map((r) => str(r.id)) : [];
    plans.push({ userId, roles: (Array.isArray(m.roles) ? m.roles : []).map(String), current: currentRoles });
  }
  for (const batch of chunks(added))
    await api.request({ method: 'POST', path: orgPath(id, 'members'), body: { members: batch } });
  for (const { userId, roles, current } of plans) {
    const remove = current.filter((r) => !roles.includes(r));
    const add = roles.filter((r) => !current.includes(r));
    if (remove.length > 0) await api.request({ method: 'DELETE', path: memberRoles(id, userId), body: { roles: remove } });
    if (add.length > 0) await api.request({ method: 'POST', path: memberRoles(id, userId), body: { roles: add } });
  }
}
