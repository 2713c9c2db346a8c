import { nodeCrypto } from '../node-crypto.js';
import { readFile } from 'node:fs/promises';
import type { Api } from '../api/types.js';
import { TenantctlError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { identityOf, liveIdentityOf, METHOD_OF } from './client-credentials.js';
import { str } from './common.js';

const MAX_CREDENTIALS = 2;
const clientPath = (id: string) => `/clients/${encodeURIComponent(id)}`;
const credentialsPath = (id: string) => `${clientPath(id)}/credentials`;

/**
 * The key identity of AUTH0_CLIENT_ASSERTION_KEY_FILE, when tenantctl signs its assertions with one: that
 * credential is never removed, whichever client holds it (the deployer client is never planned anyway).
 * Asked of the api, not of process.env: a fleet runs several tenants in one process, each its own way.
 */
async function ownKeyIdentity(api: Api): Promise<string | undefined> {
  const file = api.keyFile;
  if (!file) return undefined;
  try {
    const pem = nodeCrypto().createPublicKey(nodeCrypto().createPrivateKey(await readFile(file, 'utf8'))).export({ type: 'spki', format: 'pem' });
    return identityOf({ credential_type: 'public_key', pem: pem.toString() });
  } catch {
    return undefined;
  }
}

/**
 * Rotation in the order that never leaves the client without a working key (seed-digest §4.6): add the new
 * credentials, point `client_authentication_methods` at exactly the declared ones, then delete the rest.
 * Only `expires_at` can change in place; anything else about a key is a new credential. A client holds at
 * most two, so unused leftovers go first when the new ones would not fit.
 */
export async function syncCredentials(api: Api, clientId: string, want: JsonObject): Promise<void> {
  const have = await api.list(credentialsPath(clientId), 'credentials');
  const desired = Object.entries(want).filter((e): e is [string, JsonObject] => isObject(e[1]));
  const kept = new Map<string, JsonObject>();
  const add: [string, JsonObject][] = [];
  for (const [name, c] of desired) {
    const match = have.find((h) => str(h.name) === name && liveIdentityOf(h) === identityOf(c) && !kept.has(str(h.id)));
    if (match) kept.set(str(match.id), c);
    else add.push([name, c]);
  }
  const drop = have.filter((h) => !kept.has(str(h.id)));
  const own = await ownKeyIdentity(api);
  const mine = drop.find((h) => own !== undefined && liveIdentityOf(h) === own);
  if (mine)
    throw new TenantctlError(
      'credential_lockout',
      `clients: credential '${str(mine.name)}' is the key tenantctl authenticates with (AUTH0_CLIENT_ASSERTION_KEY_FILE); it is never removed`,
      { hint: 'Keep it in the manifest, or switch tenantctl to another key first.' },
    );
  const clientRes = await api.request({ method: 'GET', path: clientPath(clientId), query: { fields: 'client_authentication_methods', include_fields: true } });
  const inUse = JSON.stringify(isObject(clientRes.body) ? (clientRes.body.client_authentication_methods ?? null) : null);
  const unused = drop.filter((h) => !inUse.includes(`"${str(h.id)}"`));
  const removed = new Set<string>();
  if (have.length + add.length > MAX_CREDENTIALS) {
    for (const h of unused.slice(0, have.length + add.length - MAX_CREDENTIALS)) {
      await api.request({ method: 'DELETE', path: `${credentialsPath(clientId)}/${encodeURIComponent(str(h.id))}` });
      removed.add(str(h.id));
    }
    if (have.length - removed.size + add.length > MAX_CREDENTIALS)
      throw new TenantctlError('credential_limit', `clients: a client holds at most ${MAX_CREDENTIALS} credentials; replace one credential per apply`);
  }
  for (const [id, c] of kept) {
    const live = have.find((h) => str(h.id) === id) ?? {};
    const expires = c.expires_at === undefined ? null : new Date(str(c.expires_at)).toISOString();
    const current = live.expires_at ? new Date(str(live.expires_at)).toISOString() : null;
    if (expires !== current)
      await api.request({ method: 'PATCH', path: `${credentialsPath(clientId)}/${encodeURIComponent(id)}`, body: { expires_at: expires } });
  }
  const ids = [...kept.keys()];
  let type = str(desired[0]?.[1].credential_type) || 'public_key';
  for (const [name, c] of add) {
    const created = await api.request({ method: 'POST', path: credentialsPath(clientId), body: { name, ...c } });
    ids.push(str(isObject(created.body) ? created.body.id : ''));
    type = str(c.credential_type) || type;
  }
  // token_endpoint_auth_method and client_authentication_methods are mutually exclusive (OAS).
  const methods = ids.length === 0 ? null : { [METHOD_OF[type] ?? 'private_key_jwt']: { credentials: ids.map((id) => ({ id })) } };
  await api.request({
    method: 'PATCH',
    path: clientPath(clientId),
    body: methods === null ? { client_authentication_methods: null } : { client_authentication_methods: methods, token_endpoint_auth_method: null },
  });
  for (const h of drop)
    if (!removed.has(str(h.id)))
      await api.request({ method: 'DELETE', path: `${credentialsPath(clientId)}/${encodeURIComponent(str(h.id))}` });
}
