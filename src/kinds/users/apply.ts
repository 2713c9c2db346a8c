import type { Api } from '../../api/types.js';
import { TenantctlError, UncertainWriteError } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import type { PhaseResult } from '../types.js';
import { bulkThreshold } from './config.js';
import { importUsers, whereDeclared } from './import.js';
import { findUserId } from './lookup.js';
import { roleDelta, type RoleDelta } from './roles.js';
import { type RoleWork, syncRoles } from './roles-apply.js';
import { connectionOfKey, emailOfKey, importRecord, routeChanges, writesUser } from './route.js';

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

/**
 * After a create whose outcome is unknown, look the user up by email (strongly consistent, unlike search;
 * mgmt-api.md §8.1) and adopt it rather than create it twice; otherwise send it again, three times in all
 * as apply does for other kinds. The POST carries the whole user (password included), so a user found is
 * a user complete. Returns the user's id.
 */
async function createOnce(api: Api, change: Change, full: JsonObject): Promise<string | undefined> {
  const { body, verifyPhone } = splitCreate(full);
  const id = await createOrAdopt(api, change, body);
  if (id && verifyPhone) await api.request({ method: 'PATCH', path: userPath(id), body: verifyPhone });
  return id;
}

/**
 * POST /users refuses verify_phone_number (an update option): a new user's phone is verified by a PATCH
 * that sends the number with it, the one call the API acts on it in.
 */
export function splitCreate(full: JsonObject): { body: JsonObject; verifyPhone?: JsonObject } {
  const { verify_phone_number: verify, ...body } = full;
  return verify === true && typeof body.phone_number === 'string'
    ? { body, verifyPhone: { phone_number: body.phone_number, verify_phone_number: true } }
    : { body };
}

async function createOrAdopt(api: Api, change: Change, body: JsonObject): Promise<string | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await api.request({ method: 'POST', path: '/users', body });
      return isObject(res.body) && typeof res.body.user_id === 'string' ? res.body.user_id : undefined;
    } catch (error) {
      if (!(error instanceof UncertainWriteError) || attempt >= 3) throw error;
      const found = await findUserId(api, { email: emailOfKey(change.key), connection: connectionOfKey(change.key) });
      if (found) return found;
    }
  }
}

async function one(api: Api, change: Change, body: JsonObject | undefined): Promise<string | undefined> {
  if (change.action === 'create') return createOnce(api, change, body ?? {});
  if (change.action === 'update') {
    await api.request({ method: 'PATCH', path: userPath(change.id ?? ''), body: body ?? {} });
    return change.id;
  }
  await api.request({ method: 'DELETE', path: userPath(change.id ?? '') });
  return change.id;
}

/** The user's own fields: its roles go through the role endpoints. */
function withoutRoles(body: JsonObject | undefined): JsonObject | undefined {
  if (body?.roles === undefined) return body;
  const { roles: _roles, ...rest } = body;
  return rest;
}

/**
 * The users themselves: the changes `routeChanges` sends to import jobs go there, the rest one call each
 * (the api client's queue bounds how many run at once). Failures name the manifest line of the user.
 * Returns the ids of the users written through /api/v2/users (import jobs do not say theirs).
 */
async function writeUsers(
  api: Api,
  list: { change: Change; body: JsonObject | undefined }[],
  known: { ids: Readonly<Record<string, string>>; result: PhaseResult },
): Promise<Map<Change, string>> {
  const { result } = known;
  const bodies = new Map(list.map((x) => [x.change, withoutRoles(x.body)]));
  const { bulk, single } = routeChanges(
    list.map((x) => x.change),
    bulkThreshold(),
  );
  const ids = new Map<Change, string>();
  const perUser = single.map(async (change) => {
    try {
      const id = await one(api, change, bodies.get(change));
      if (id) ids.set(change, id);
      result.applied.push(change);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.failed.push({
        change,
        error: new TenantctlError('users_apply', `${whereDeclared(change)}: ${message}`, { cause: error }),
      });
    }
  });
  const recordOf = (change: Change) => importRecord(change, bodies.get(change) ?? {});
  await Promise.all([...perUser, importUsers(api, { changes: bulk, recordOf, ids: known.ids }, result)]);
  return ids;
}

/**
 * A phase of user changes: the users first, then their roles for the users written without a failure
 * (and for updates of roles alone), additions batched per role.
 */
export async function applyUsersPhase(
  api: Api,
  list: { change: Change; body: JsonObject | undefined }[],
  ids: Readonly<Record<string, string>>,
): Promise<PhaseResult> {
  const deltas = new Map<Change, RoleDelta>();
  for (const { change, body } of list) {
    const delta = roleDelta(change, body);
    if (delta) deltas.set(change, delta);
  }
  const written: PhaseResult = { applied: [], failed: [] };
  const userIds = await writeUsers(api, list.filter((x) => writesUser(x.change)), { ids, result: written });
  const result: PhaseResult = { applied: [], failed: written.failed };
  const work: RoleWork[] = [];
  for (const change of [...written.applied, ...list.map((x) => x.change).filter((c) => !writesUser(c))]) {
    const delta = deltas.get(change);
    if (delta) work.push({ change, delta, id: userIds.get(change) ?? change.id });
    else result.applied.push(change);
  }
  await syncRoles(api, work, result);
  return result;
}
