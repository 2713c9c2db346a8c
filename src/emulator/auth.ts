import {
  type CryptoKey,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { isObject, type JsonObject } from '../json.js';
import { authenticateClient } from './client-auth.js';
import { ApiFailure, errorBody, oauthError } from './errors.js';
import { currentSigningKey, publishedJwks } from './signing-keys.js';
import type { EmulatorState, TenantConfig } from './types.js';

/**
 * The tenant's token keys, read from the state on every use because rotation and revocation change them:
 * `/oauth/token` signs with the current signing key, and a token verifies against any published key
 * (current, next, previous not revoked, mgmt-api.md §6.1), so a rotation does not end existing sessions.
 */
export interface Keys {
  current(): Promise<{ kid: string; privateKey: CryptoKey }>;
  published(): Promise<Map<string, CryptoKey>>;
}

export async function importKeys(state: EmulatorState): Promise<Keys> {
  const imported = new Map<string, Promise<CryptoKey>>();
  const load = (kind: string, kid: string, jwk: JWK): Promise<CryptoKey> => {
    const id = `${kind}:${kid}`;
    const hit = imported.get(id) ?? (importJWK(jwk, 'RS256') as Promise<CryptoKey>);
    imported.set(id, hit);
    return hit;
  };
  return {
    async current() {
      const { kid, privateJwk } = currentSigningKey(state);
      return { kid, privateKey: await load('private', kid, privateJwk) };
    },
    async published() {
      const jwks = publishedJwks(state);
      const keys = await Promise.all(jwks.map((jwk) => load('public', String(jwk.kid), jwk)));
      return new Map(jwks.map((jwk, i) => [String(jwk.kid), keys[i] as CryptoKey]));
    },
  };
}

const field = (body: JsonObject, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

/**
 * POST /oauth/token, client_credentials with a client secret or a Private Key JWT assertion (client-auth.ts).
 * Issues an RS256 JWT shaped like a real Management API token (§10): iss, sub `<id>@clients`, aud, azp, gty,
 * scope.
 */
export async function issueToken(args: {
  body: unknown;
  authorization: string | undefined;
  state: EmulatorState;
  tenant: TenantConfig;
  keys: Keys;
}): Promise<JsonObject> {
  const body = isObject(args.body) ? args.body : {};
  const grantType = field(body, 'grant_type');
  if (!grantType) throw oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  if (grantType !== 'client_credentials') {
    throw oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }
  const client = await authenticateClient({ ...args, body });
  const clientId = String(client.client_id);
  const { clientGrants, resourceServers } = args.state.collections;
  const grantTypes = client.grant_types;
  if (Array.isArray(grantTypes) && !grantTypes.includes('client_credentials')) {
    throw oauthError(
      403,
      'unauthorized_client',
      "Grant type 'client_credentials' not allowed for the client.",
    );
  }
  const audience = field(body, 'audience');
  if (!audience) {
    throw oauthError(
      403,
      'access_denied',
      'No audience parameter was provided, and no default audience has been configured',
    );
  }
  const api = resourceServers.find((r) => r.data.identifier === audience)?.data;
  if (!api) throw oauthError(403, 'access_denied', `Service not found: ${audience}`);
  const grant = clientGrants.find(
    (g) =>
      g.data.client_id === clientId &&
      g.data.audience === audience &&
      (g.data.subject_type ?? 'client') === 'client',
  )?.data;
  if (!grant) {
    throw oauthError(
      403,
      'access_denied',
      `Client "${clientId}" is not authorized to access resource server "${audience}". You need to create a "client-grant" associated to this API.`,
    );
  }
  const scopes =
    grant.allow_all_scopes === true && Array.isArray(api.scopes)
      ? api.scopes.flatMap((s) => (isObject(s) && typeof s.value === 'string' ? [s.value] : []))
      : Array.isArray(grant.scope)
        ? grant.scope.filter((s): s is string => typeof s === 'string')
        : [];
  const lifetime = typeof api.token_lifetime === 'number' ? api.token_lifetime : 86400;
  const scope = scopes.join(' ');
  const now = Math.floor(Date.now() / 1000);
  const signer = await args.keys.current();
  const accessToken = await new SignJWT({ scope, gty: 'client-credentials', azp: clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signer.kid })
    .setIssuer(args.tenant.issuer)
    .setSubject(`${clientId}@clients`)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(signer.privateKey);
  return { access_token: accessToken, scope, expires_in: lifetime, token_type: 'Bearer' };
}

/** 401s from the JWT check carry an `attributes` copy of the message, as hapi-auth-jwt does (§3.1). */
const jwtFailure = (message: string): ApiFailure =>
  new ApiFailure(401, { ...errorBody(401, message), attributes: { error: message } });

export interface Caller {
  clientId: string;
  scopes: ReadonlySet<string>;
}

/** Bearer check for /api/v2: header format, signature, expiry, issuer and the Management API audience. */
export async function authenticate(
  authorization: string | undefined,
  tenant: TenantConfig,
  keys: Keys,
): Promise<Caller> {
  if (!authorization) throw new ApiFailure(401, errorBody(401, 'Missing authentication'));
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!m) throw new ApiFailure(400, errorBody(400, 'Bad HTTP authentication header format', 'Bearer'));
  try {
    const token = m[1] as string;
    const published = await keys.published();
    const byKid = published.get(String(decodeProtectedHeader(token).kid));
    // A token names its key by kid; one without a (known) kid is tried against every published key.
    const candidates = byKid ? [byKid] : [...published.values()];
    const verify = async (index: number): Promise<Awaited<ReturnType<typeof jwtVerify>>> => {
      try {
        return await jwtVerify(token, candidates[index] as CryptoKey, {
          issuer: tenant.issuer,
          audience: tenant.audience,
          algorithms: ['RS256'],
        });
      } catch (e) {
        const another = e instanceof joseErrors.JWSSignatureVerificationFailed && index + 1 < candidates.length;
        if (another) return verify(index + 1);
        throw e;
      }
    };
    const { payload } = await verify(0);
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const clientId = typeof payload.azp === 'string' ? payload.azp : String(payload.sub ?? '');
    return { clientId, scopes: new Set(scope.split(' ').filter(Boolean)) };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired)
      throw jwtFailure('Expired token received for JSON Web Token validation');
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw jwtFailure('Invalid signature received for JSON Web Token validation');
    }
    throw new ApiFailure(401, errorBody(401, 'Invalid token'));
  }
}

/** 403 when the token holds none of the operation's scopes (§10; "expected any of"). */
export function requireScopes(caller: Caller, anyOf: readonly string[]): void {
  if (anyOf.length === 0 || anyOf.some((s) => caller.scopes.has(s))) return;
  throw new ApiFailure(
    403,
    errorBody(403, `Insufficient scope, expected any of: ${anyOf.join(',')}`, 'insufficient_scope'),
  );
}
