import { UncertainWriteError } from '../../api/client.js';
import type { Api } from '../../api/types.js';
import { TenantctlError } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import type { PhaseResult } from '../types.js';
import { bulkThreshold } from './config.js';
import { importUsers, whereDeclared } from './import.js';
import { connectionOfKey, emailOfKey, importRecord, routeChanges } from './route.js';

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

/**
 * After a create whose outcome is unknown, look the user up by email (strongly consistent, unlike search;
 * mgmt-api.md §8.1) and adopt it rather than create it twice.
 */
async function createOnce(api: Api, change: Change, body: JsonObject): Promise<void> {
  try {
    await api.request({ method: 'POST', path: '/users', body });
  } catch (error) {
    if (!(error instanceof UncertainWriteError)) throw error;
    const res = await api.request({ method: 'GET', path: '/users-by-email', query: { email: emailOfKey(change.key) } });
    const connection = connectionOfKey(change.key);
    const found = (Array.isArray(res.body) ? res.body.filter(isObject) : []).some((u) =>
      (Array.isArray(u.identities) ? u.identities.filter(isObject) : []).some((i) => i.connection === connection),
    );
    if (!found) await api.request({ method: 'POST', path: '/users', body });
  }
}

async function one(api: Api, change: Change, body: JsonObject | undefined): Promise<void> {
  if (change.action === 'create') return createOnce(api, change, body ?? {});
  if (change.action === 'update') {
    await api.request({ method: 'PATCH', path: userPath(change.id ?? ''), body: body ?? {} });
    return;
  }
  await api.request({ method: 'DELETE', path: userPath(change.id ?? '') });
}

/**
 * A phase of user changes: the ones `routeChanges` sends to import jobs go there, the rest one call each
 * (the api client's queue bounds how many run at once). Failures name the manifest line of the user.
 */
export async function applyUsersPhase(
  api: Api,
  list: { change: Change; body: JsonObject | undefined }[],
): Promise<PhaseResult> {
  const bodies = new Map(list.map((x) => [x.change, x.body]));
  const { bulk, single } = routeChanges(
    list.map((x) => x.change),
    bulkThreshold(),
  );
  const result: PhaseResult = { applied: [], failed: [] };
  const perUser = single.map(async (change) => {
    try {
      await one(api, change, bodies.get(change));
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
  await Promise.all([...perUser, importUsers(api, { changes: bulk, recordOf }, result)]);
  return result;
}
