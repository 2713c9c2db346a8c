import type { Json, JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import { isRef } from '../common.js';
import type { Change } from '../../plan/types.js';

/**
 * Users per POST /roles/{id}/users. The API documents no maximum for the list (OAS
 * AssignRoleUsersRequestContent); a page's size keeps each call modest, as organization members do.
 */
export const ROLE_BATCH = 100;

/** Role changes of one user, as role references (planned) or role ids (resolved for apply). */
export interface RoleDelta {
  add: Json[];
  remove: Json[];
}

const list = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);
const keyOf = (value: Json) => (isRef(value) ? value.$ref : String(value));
const nameOf = (value: Json) => (isRef(value) ? value.$ref.slice('roles/'.length) : String(value));

/** What a change does to its user's roles: a create adds every declared role, an update carries its delta. */
export function roleDelta(change: Change, body: JsonObject | undefined): RoleDelta | undefined {
  const roles = body?.roles;
  if (change.action === 'create' && Array.isArray(roles) && roles.length > 0) return { add: roles, remove: [] };
  if (change.action === 'update' && isObject(roles)) return { add: list(roles.add), remove: list(roles.remove) };
  return undefined;
}

/**
 * An update's `roles` as names for people (`roles: + admin, - editor`), and its body as the delta apply
 * sends: the role endpoints add and remove, they never take a whole set. The change is this plan's own
 * object: set in place.
 */
export function planRoleDelta(change: Change): void {
  const field = change.fields.find((f) => f.path === 'roles');
  if (!field || change.action !== 'update') return;
  const from = list(field.from);
  const to = list(field.to);
  const has = (values: Json[], v: Json) => values.some((x) => keyOf(x) === keyOf(v));
  field.from = from.map(nameOf);
  field.to = to.map(nameOf);
  if (change.body) change.body.roles = { add: to.filter((v) => !has(from, v)), remove: from.filter((v) => !has(to, v)) };
}

/** Role id -> the users it gets, in batches the size of ROLE_BATCH. */
export function assignmentBatches<T>(items: { roles: Json[]; user: T }[]): { role: string; users: T[] }[] {
  const byRole = new Map<string, T[]>();
  for (const { roles, user } of items)
    for (const role of roles) {
      const users = byRole.get(keyOf(role));
      if (users) users.push(user);
      else byRole.set(keyOf(role), [user]);
    }
  const out: { role: string; users: T[] }[] = [];
  for (const [role, users] of byRole)
    for (let i = 0; i < users.length; i += ROLE_BATCH) out.push({ role, users: users.slice(i, i + ROLE_BATCH) });
  return out;
}
