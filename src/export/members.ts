import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { str } from '../kinds/common.js';

/**
 * A manifest member is an email plus the connection holding that user (an email may belong to one user
 * per connection), but GET /organizations/{id}/members answers user_id, email and roles only. Each member's
 * user is read once (GET /users/{id}, identities only); the first identity is the user's own login.
 */
export async function withMemberConnections(api: Api, organizations: JsonObject[]): Promise<JsonObject[]> {
  const connectionOf = new Map<string, Promise<string>>();
  const lookup = (userId: string) => {
    let found = connectionOf.get(userId);
    if (!found) {
      found = api
        .request({ method: 'GET', path: `/users/${encodeURIComponent(userId)}`, query: { fields: 'user_id,identities', include_fields: true } })
        .then((res) => {
          const identities = isObject(res.body) && Array.isArray(res.body.identities) ? res.body.identities.filter(isObject) : [];
          return str(identities[0]?.connection);
        });
      connectionOf.set(userId, found);
    }
    return found;
  };
  return Promise.all(
    organizations.map(async (org) => {
      if (!Array.isArray(org.members)) return org;
      const members = await Promise.all(
        org.members.filter(isObject).map(async (m) => ({ ...m, connection: await lookup(str(m.user_id)) })),
      );
      return { ...org, members };
    }),
  );
}
