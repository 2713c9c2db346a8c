import { byText } from '../../text-order.js';
import type { Api } from '../../api/types.js';
import type { JsonObject } from '../../json.js';
import { str } from '../common.js';

const rolesOfUser = (id: string) => `/users/${encodeURIComponent(id)}/roles`;
const usersOfRole = (id: string) => `/roles/${encodeURIComponent(id)}/users`;

/**
 * Which path reads the live users' roles in fewer calls. Per role, GET /roles/{id}/users pages its members
 * with checkpoints (100 a page; offset paging stops at 1000 members, mgmt-api.md §2.2): at least one call
 * per role. Per user, GET /users/{id}/roles: one call per user. Role members win unless the tenant has
 * fewer users than roles.
 */
export function readRolesBy(users: number, roles: number): 'role' | 'user' {
  return users < roles ? 'user' : 'role';
}

/**
 * Every live user with `roles`: the names of its roles, sorted. Users that declare no roles are read the
 * same way (list reads do not know the manifests); the plan compares roles only where they are declared.
 */
export async function withLiveRoles(api: Api, users: JsonObject[]): Promise<JsonObject[]> {
  const roles = users.length === 0 ? [] : await api.list('/roles', 'roles');
  const byUser = new Map<string, string[]>();
  const add = (userId: string, role: string) => {
    const list = byUser.get(userId);
    if (list) list.push(role);
    else byUser.set(userId, [role]);
  };
  if (roles.length > 0 && readRolesBy(users.length, roles.length) === 'user') {
    await Promise.all(
      users.map(async (user) => {
        const id = str(user.user_id);
        for (const role of await api.list(rolesOfUser(id), 'roles')) add(id, str(role.name));
      }),
    );
  } else {
    await Promise.all(
      roles.map(async (role) => {
        const members = await api.list(usersOfRole(str(role.id)), 'users', { checkpoint: true });
        for (const member of members) add(str(member.user_id), str(role.name));
      }),
    );
  }
  // Set in place: the users are this read's own objects (there may be tens of thousands).
  for (const user of users) user.roles = (byUser.get(str(user.user_id)) ?? []).sort(byText);
  return users;
}
