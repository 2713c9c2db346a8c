import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { enumOf, nullable, obj, validateBody } from '../validate.js';
import { requireConnection } from './connection-clients.js';

/**
 * `/connections/{id}/keys`: the keys an Okta or OIDC connection signs its client assertions with when it
 * authenticates to the IdP with Private Key JWT (OAS get_keys / post_keys / post_rotate; Terraform's
 * auth0_connection_keys rotates them and reads them back by kid). Stored inside the connection entity as
 * `_keys` (connectionView leaves it out); only public material is kept, as nothing here signs with them.
 *
 * From the OAS: only `okta` and `oidc` have keys (400 "keys are not available for this connection" /
 * "Key rotation is not supported on this connection"); POST provisions them once (201, 409 "Keys have
 * already been created for this connection."); rotate answers 201 with the new next key, and needs keys or
 * a connection configured for Private Key JWT (400 "Connection is not configured to use JWT Client
 * Authentication"). A connection configured for Private Key JWT has keys without a POST (provisioned on
 * first use here). Not recorded: `subject_dn`, and a self-describing public key PEM instead of an X.509
 * certificate in `cert`/`pkcs` (as for the tenant's signing keys, rsa-keys.ts).
 */
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'ES256', 'ES384'] as const;
const bodySchema = nullable(obj({ signing_alg: enumOf(ALGS) }));
const STRATEGIES = new Set(['okta', 'oidc']);
const KID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const keysOf = (e: Entity): JsonObject[] => (e.data._keys ?? []) as JsonObject[];

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\r\n');
}

function newKey(e: Entity, alg: string, role: JsonObject): JsonObject {
  const { publicKey } = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: alg === 'ES256' ? 'P-256' : 'P-384' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  return {
    kid: [...randomBytes(21)].map((b) => KID[b % KID.length]).join(''),
    cert: pem('PUBLIC KEY', der),
    pkcs: pem('PKCS7', der),
    ...role,
    fingerprint: (sha1.match(/.{2}/g) ?? []).join(':'),
    thumbprint: sha1,
    algorithm: alg,
    key_use: 'signing',
    subject_dn: `CN=${String(e.data.name)}`,
  };
}

function withKeys(req: ApiRequest, ctx: Ctx, unsupported: string): Entity {
  const e = requireConnection(ctx, req.params.id as string);
  if (!STRATEGIES.has(String(e.data.strategy))) throw fail(400, unsupported);
  return e;
}

const usesJwtAuth = (e: Entity): boolean =>
  ((e.data.options ?? {}) as JsonObject).token_endpoint_auth_method === 'private_key_jwt';

const algOf = (e: Entity): string =>
  String(((e.data.options ?? {}) as JsonObject).token_endpoint_auth_signing_alg ?? 'RS256');

/** The first current and next keys. */
function provision(e: Entity, alg: string): JsonObject[] {
  const keys = [
    newKey(e, alg, { current: true, next: false, current_since: new Date().toISOString() }),
    newKey(e, alg, { current: false, next: true }),
  ];
  e.data._keys = keys;
  return keys;
}

function list(req: ApiRequest, ctx: Ctx) {
  const e = withKeys(req, ctx, 'keys are not available for this connection');
  if (keysOf(e).length === 0 && usesJwtAuth(e)) return { status: 200, body: provision(e, algOf(e)), changed: true as const };
  return { status: 200, body: keysOf(e) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const e = withKeys(req, ctx, 'keys are not available for this connection');
  const body = validateBody<{ signing_alg?: string } | null>(bodySchema, req.body ?? null);
  if (keysOf(e).length > 0) throw fail(409, 'Keys have already been created for this connection.');
  return { status: 201, body: provision(e, body?.signing_alg ?? algOf(e)) };
}

/** Next becomes current, current becomes previous (older previous keys are dropped), and a new next key. */
function rotate(req: ApiRequest, ctx: Ctx) {
  const e = withKeys(req, ctx, 'Key rotation is not supported on this connection');
  const body = validateBody<{ signing_alg?: string } | null>(bodySchema, req.body ?? null);
  if (keysOf(e).length === 0) {
    if (!usesJwtAuth(e)) throw fail(400, 'Connection is not configured to use JWT Client Authentication');
    provision(e, algOf(e));
  }
  const at = new Date().toISOString();
  const kept = keysOf(e).flatMap((k): JsonObject[] => {
    if (k.current === true) return [{ ...k, current: false, previous: true }];
    if (k.next === true) return [{ ...k, next: false, current: true, current_since: at }];
    return [];
  });
  const next = newKey(e, body?.signing_alg ?? algOf(e), { next: true });
  e.data._keys = [...kept, { ...next, current: false }];
  return { status: 201, body: next };
}

const BASE = '/api/v2/connections/{id}/keys';
export const connectionKeyRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:connections_keys'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:connections_keys'], handler: create },
  {
    method: 'POST',
    pattern: `${BASE}/rotate`,
    scopes: ['create:connections_keys', 'update:connections_keys'],
    handler: rotate,
  },
];
