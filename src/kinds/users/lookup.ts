import type { Api } from '../../api/types.js';
import { isObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import { str } from '../common.js';
import { userKey } from './config.js';
import { exportUsers } from './read.js';
import { connectionOfKey, emailOfKey } from './route.js';

/**
 * Up to this many users are looked up one GET /users-by-email each; more take one users-export job, which
 * costs a handful of calls whatever the count.
 */
const LOOKUPS = 50;

/**
 * The id of the user with this email in this connection: GET /users-by-email is exact and immediate
 * (search is eventually consistent, mgmt-api.md §8.1); the connection picks the right one among users
 * sharing an email.
 */
export async function findUserId(api: Api, user: { email: string; connection: string }): Promise<string | undefined> {
  const res = await api.request({ method: 'GET', path: '/users-by-email', query: { email: user.email } });
  const found = (Array.isArray(res.body) ? res.body.filter(isObject) : []).find((u) =>
    (Array.isArray(u.identities) ? u.identities.filter(isObject) : []).some((i) => i.connection === user.connection),
  );
  return found && str(found.user_id);
}

/** The ids of users an import job created: the job's answer names none (mgmt-api.md §8.2). */
export async function createdIds(api: Api, changes: Change[]): Promise<Map<Change, string>> {
  const out = new Map<Change, string>();
  if (changes.length <= LOOKUPS) {
    await Promise.all(
      changes.map(async (change) => {
        const id = await findUserId(api, { email: emailOfKey(change.key), connection: connectionOfKey(change.key) });
        if (id) out.set(change, id);
      }),
    );
    return out;
  }
  const wanted = new Map(changes.map((change) => [change.key, change]));
  for (const user of await exportUsers(api)) {
    const change = wanted.get(userKey(str(user.connection), str(user.email)));
    if (change) out.set(change, str(user.user_id));
  }
  return out;
}
