import type { JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import { IMPORTABLE, UPSERTABLE } from './config.js';

/** Which API path each change of a phase takes. */
export interface Routed {
  /** Through users-import jobs (upsert). */
  bulk: Change[];
  /** Through POST / PATCH / DELETE /users, one call each. */
  single: Change[];
}

const root = (path: string) => path.split(/[.[]/)[0] ?? '';

/** Role changes go through the role endpoints after the user is written (roles.ts), never in its body. */
export const userFields = (change: Change) => change.fields.filter((f) => root(f.path) !== 'roles');

/** Whether a change writes the user itself: an update of roles alone does not. */
export const writesUser = (change: Change) => change.action !== 'update' || userFields(change).length > 0;

/** An import record can carry this create: it has nothing only POST /users takes. */
const importable = (body: JsonObject | undefined) =>
  Object.keys(body ?? {}).every((k) => k === 'email' || k === 'connection' || k === 'roles' || IMPORTABLE.includes(k));

/**
 * Creates without a password go through an import job: POST /users refuses a database user without one,
 * and an imported user without a hash sets a password through a reset (mgmt-api.md §8.1, §8.2); a create
 * with a field no import record carries (`phone_number`, `verify_email`) is left to POST /users.
 * Creates with a password (write-only, from an env-bound keyword) need POST /users, which is the only way
 * to send it. Updates of upsertable fields go through import jobs when the bulk work is above the
 * threshold, and through PATCH otherwise; `blocked` and `username` always need PATCH (§8.3). Deletes are
 * per user: there is no bulk delete.
 */
export function routeChanges(changes: Change[], threshold: number): Routed {
  const single: Change[] = [];
  const passwordless: Change[] = [];
  const upsertable: Change[] = [];
  for (const change of changes) {
    if (change.action === 'create' && change.body?.password === undefined && importable(change.body))
      passwordless.push(change);
    else if (change.action === 'update' && userFields(change).every((f) => UPSERTABLE.includes(root(f.path))))
      upsertable.push(change);
    else single.push(change);
  }
  const bulkUpdates = passwordless.length + upsertable.length > threshold;
  return {
    bulk: bulkUpdates ? [...passwordless, ...upsertable] : passwordless,
    single: bulkUpdates ? single : [...single, ...upsertable],
  };
}

export const connectionOfKey = (key: string) => key.slice(0, key.indexOf('/'));
export const emailOfKey = (key: string) => key.slice(key.indexOf('/') + 1);

function withoutNulls(map: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== null));
}

/**
 * One user of an import file. A create sends its whole declared body; an update sends the email (what
 * upsert matches on) and the changed attributes. Upsert replaces metadata objects wholesale (§8.2), so a
 * metadata change is sent complete: the PATCH form's nulls for removed keys are simply left out.
 */
export function importRecord(change: Change, body: JsonObject): JsonObject {
  const { connection: _connection, password: _password, roles: _roles, ...rest } = body;
  if (change.action === 'create') return rest;
  const out: JsonObject = { email: emailOfKey(change.key) };
  for (const [key, value] of Object.entries(rest))
    out[key] = (key === 'user_metadata' || key === 'app_metadata') && isObject(value) ? withoutNulls(value) : value;
  return out;
}
