import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose';
import { isObject, type JsonObject } from '../json.js';
import { oauthError } from './errors.js';
import type { EmulatorState, TenantConfig } from './types.js';

/**
 * Who is asking at POST /oauth/token: a client secret (post body or HTTP Basic), or a Private Key JWT
 * assertion (mgmt-api.md §10) signed with one of the client's `private_key_jwt` credentials. The assertion
 * rules are Auth0's documented ones: iss = sub = client_id, aud = `https://<domain>/`, a `jti` used once,
 * `exp` at most five minutes ahead, 10 s of clock skew, and the credential's own algorithm. The exact
 * error wording for assertions is not recorded; every failure is 401 `invalid_client` like a bad secret.
 */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGS = ['RS256', 'RS384', 'PS256'];
const SKEW_SECONDS = 10;
const MAX_LIFETIME_SECONDS = 300;

const denied = (why = 'Client authentication failed') => oauthError(401, 'invalid_client', why);

const field = (body: JsonObject, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
}

/** Assertion ids already used, per tenant state, until their expiry (a replay is refused). */
const usedJtis = new WeakMap<EmulatorState, Map<string, number>>();

function spendJti(state: EmulatorState, clientId: string, jti: string, exp: number, now: number): void {
  let used = usedJtis.get(state);
  if (!used) usedJtis.set(state, (used = new Map()));
  for (const [key, until] of used) if (until < now) used.delete(key);
  const key = `${clientId}:${jti}`;
  if (used.has(key)) throw denied('The client assertion was already used (jti)');
  used.set(key, exp + SKEW_SECONDS);
}

/** The public keys of the credentials the client lists under `client_authentication_methods.private_key_jwt`. */
function assertionKeys(state: EmulatorState, client: JsonObject): JsonObject[] {
  const methods = client.client_authentication_methods;
  const pkj = isObject(methods) ? methods.private_key_jwt : undefined;
  const refs = isObject(pkj) && Array.isArray(pkj.credentials) ? pkj.credentials : [];
  const ids = new Set(refs.flatMap((r) => (isObject(r) && typeof r.id === 'string' ? [r.id] : [])));
  return state.collections.clientCredentials
    .map((e) => e.data)
    .filter((c) => c.client_id === client.client_id && ids.has(String(c.id)) && isObject(c.public_jwk));
}

async function verifyAssertion(args: {
  assertion: string;
  clientId: string | undefined;
  state: EmulatorState;
  tenant: TenantConfig;
}): Promise<JsonObject> {
  let header: { alg?: string; kid?: string };
  let claims: { iss?: unknown; exp?: unknown };
  try {
    header = decodeProtectedHeader(args.assertion);
    claims = decodeJwt(args.assertion);
  } catch {
    throw denied('The client assertion is not a JWT');
  }
  const clientId = typeof claims.iss === 'string' ? claims.iss : undefined;
  if (!clientId || (args.clientId !== undefined && args.clientId !== clientId)) throw denied();
  const client = args.state.collections.clients.find((c) => c.data.client_id === clientId)?.data;
  if (!client) throw denied();
  const now = Math.floor(Date.now() / 1000);
  const candidates = assertionKeys(args.state, client).filter(
    (c) =>
      (c.alg ?? 'RS256') === header.alg &&
      (header.kid === undefined || c.kid === header.kid) &&
      (typeof c.expires_at !== 'string' || Date.parse(c.expires_at) > Date.now()),
  );
  for (const credential of candidates) {
    const key = await importJWK(credential.public_jwk as JWK, header.alg);
    let payload: { jti?: unknown; exp?: number };
    try {
      ({ payload } = await jwtVerify(args.assertion, key, {
        algorithms: ASSERTION_ALGS,
        issuer: clientId,
        subject: clientId,
        audience: args.tenant.issuer,
        clockTolerance: SKEW_SECONDS,
        requiredClaims: ['exp', 'jti'],
      }));
    } catch {
      continue;
    }
    const exp = payload.exp as number;
    if (exp > now + MAX_LIFETIME_SECONDS + SKEW_SECONDS)
      throw denied('The client assertion must expire within 5 minutes');
    spendJti(args.state, clientId, String(payload.jti), exp, now);
    return client;
  }
  throw denied();
}

/** Returns the authenticated client's stored data, or throws the OAuth 401. */
export async function authenticateClient(args: {
  body: JsonObject;
  authorization: string | undefined;
  state: EmulatorState;
  tenant: TenantConfig;
}): Promise<JsonObject> {
  const assertionType = field(args.body, 'client_assertion_type');
  if (assertionType !== undefined) {
    const assertion = field(args.body, 'client_assertion');
    if (assertionType !== JWT_BEARER || !assertion) {
      throw oauthError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER} with a client_assertion`);
    }
    return verifyAssertion({ ...args, assertion, clientId: field(args.body, 'client_id') });
  }
  const basic = basicCredentials(args.authorization);
  const clientId = basic?.id ?? field(args.body, 'client_id');
  const secret = basic?.secret ?? field(args.body, 'client_secret');
  const client = clientId ? args.state.collections.clients.find((c) => c.data.client_id === clientId)?.data : undefined;
  if (!client || secret === undefined || client.client_secret !== secret) throw denied();
  return client;
}
