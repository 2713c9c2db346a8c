import type { Json, JsonObject } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import type { Change } from '../plan/types.js';
import { refTo, str } from './common.js';
import type { KindPlanInput } from './types.js';
import { userKey } from './users/config.js';

/**
 * The body key that carries what the plan's live read saw of an organization's members: email ->
 * `{user_id, roles: [role ids]}`. Apply removes members and changes their roles from it instead of listing
 * the members again (issue #11); the staleness check compares it with a fresh read, so a saved plan never
 * writes to a member that changed since. Never sent to the API (organizations.ts strips it).
 */
export const MEMBERS_LIVE = 'members_live';

/** The live members of an organization in the form apply needs; undefined when they were not read. */
export function memberSnapshot(org: JsonObject | undefined): JsonObject | undefined {
  if (org === undefined) return {};
  if (!Array.isArray(org.members)) return undefined;
  const out: JsonObject = {};
  for (const m of org.members.filter(isObject)) {
    const roles = Array.isArray(m.roles) ? m.roles.filter(isObject).map((r) => str(r.id)) : [];
    out[str(m.email).toLowerCase()] = { user_id: str(m.user_id), roles: roles.sort() };
  }
  return out;
}

/**
 * The live users this plan may name members by: those the users kind read, except users this plan creates,
 * replaces or deletes (their id is unknown or about to go: apply looks those up by email, as before).
 */
function knownUsers(input: KindPlanInput): Set<string> | undefined {
  const users = input.liveKinds?.users;
  if (users === undefined) return undefined;
  const moving = new Set(input.planned.filter((c) => c.kind === 'users' && c.action !== 'update').map((c) => c.key));
  const keys = new Set<string>();
  for (const u of users)
    if (typeof u.connection === 'string' && typeof u.email === 'string') keys.add(userKey(u.connection, u.email));
  for (const key of moving) keys.delete(key);
  return keys;
}

/**
 * Adds to each change that sets members what apply needs to set them without reading: the members the plan
 * saw, and for each new member a `{ $ref }` to its user when the users kind was read (the plan resolves it
 * into `refs`, which a saved plan's apply checks are still there).
 */
export function annotateMembers(changes: Change[], input: KindPlanInput): void {
  const users = knownUsers(input);
  const byId = new Map(input.live.map((o) => [str(o.id), o]));
  for (const change of changes) {
    const body = change.body;
    if (!body || !isObject(body.members) || (change.action !== 'create' && change.action !== 'update')) continue;
    const snapshot = memberSnapshot(change.action === 'create' ? undefined : byId.get(change.id ?? ''));
    if (snapshot === undefined) continue;
    const members: JsonObject = {};
    for (const [email, m] of Object.entries(body.members)) {
      const key = isObject(m) ? userKey(str(m.connection), email) : undefined;
      members[email] =
        isObject(m) && !(email in snapshot) && key !== undefined && users?.has(key) ? { ...m, user_id: refTo('users', key) } : m;
    }
    change.body = { ...body, members, [MEMBERS_LIVE]: snapshot };
  }
}

/** Why a saved plan's members no longer fit the organization (a member's id or roles moved), or undefined. */
export function membersStaleReason(change: Change, current: JsonObject): string | undefined {
  const planned: Json | undefined = change.body?.[MEMBERS_LIVE];
  if (!isObject(planned) || change.action === 'create') return undefined;
  const now = memberSnapshot(current);
  if (now === undefined) return `${change.address}: its members were not read, so the plan cannot be checked`;
  return stableStringify(now) === stableStringify(planned) ? undefined : `${change.address} members changed since the plan`;
}
