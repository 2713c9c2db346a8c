import { type CryptoKey, importJWK, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { isObject, type JsonObject } from '../json.js';
import { ApiFailure, errorBody } from './errors.js';
import type { EmulatorState, TenantConfig } from './types.js';

export interface Keys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function importKeys(state: EmulatorState): Promise<Keys> {
  const { kid, privateJwk, publicJwk } = state.signingKey;
  return {
    kid,
    privateKey: (await importJWK(privateJwk, 'RS256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'RS256')) as CryptoKey,
  };
}

/** Authentication API errors use the OAuth shape `{error, error_description}` (mgmt-api.md §3.1, §10). */
const oauthError = (status: number, error: string, description: string): ApiFailure =>
  new ApiFailure(status, { error, error_description: description });

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
}

const field = (body: JsonObject, key: string): string | undefined =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

/**
 * POST /oauth/token, client_credentials with a client secret (post body or HTTP Basic). Issues an RS256
 * JWT shaped like a real Management API token (§10): iss, sub `<id>@clients`, aud, azp, gty, scope.
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
  const basic = basicCredentials(args.authorization);
  const clientId = basic?.id ?? field(body, 'client_id');
  const secret = basic?.secret ?? field(body, 'client_secret');
  if (!clientId) throw oauthError(401, 'invalid_client', 'Client authentication failed');
  const { clients, clientGrants, resourceServers } = args.state.collections;
  const client = clients.find((c) => c.data.client_id === clientId)?.data;
  if (!client || secret === undefined || client.client_secret !== secret) {
    throw oauthError(401, 'invalid_client', 'Client authentication failed');
  }
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
  const accessToken = await new SignJWT({ scope, gty: 'client-credentials', azp: clientId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: args.keys.kid })
    .setIssuer(args.tenant.issuer)
    .setSubject(`${clientId}@clients`)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(args.keys.privateKey);
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
    const { payload } = await jwtVerify(m[1] as string, keys.publicKey, {
      issuer: tenant.issuer,
      audience: tenant.audience,
      algorithms: ['RS256'],
    });
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
