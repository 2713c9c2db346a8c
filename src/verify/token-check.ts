import { createPrivateKey, randomUUID } from 'node:crypto';
import type { createRemoteJWKSet } from 'jose';
import { importPKCS8, jwtVerify, SignJWT } from 'jose';

/** What one client's token says about the tenant as applied. */
export interface TokenCheck {
  client: string;
  audience: string;
  /** How the client authenticated: `client_secret` or `private_key_jwt`. */
  method: string;
  ok: boolean;
  /** Why the check failed, or what was verified. */
  detail: string;
  kid?: string;
  scopes?: string[];
  /** Auth0-Client-Quota-Limit / Auth0-Organization-Quota-Limit, as sent. */
  quota?: Record<string, string>;
}

export interface TokenRequest {
  baseUrl: string;
  /** `https://<tenant>/`: what the token's `iss` must say. */
  issuer: string;
  client: string;
  clientId: string;
  /** How the client proves itself: its secret, or a private_key_jwt key (PEM) and the credential's alg. */
  auth: { secret: string } | { privateKey: string; alg: string };
  audience: string;
  /** The scopes the manifest grants; undefined when the grant does not declare them. */
  scopes: string[] | undefined;
}

const QUOTA_HEADERS = ['auth0-client-quota-limit', 'auth0-organization-quota-limit'];

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

/** The token endpoint's error, never its page: an HTML answer is described, not printed. */
async function refusal(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: string; error_description?: string };
    return `the tenant refused the token (${res.status} ${body.error ?? ''}: ${body.error_description ?? ''})`;
  } catch {
    return `the tenant answered ${res.status} (${res.headers.get('content-type') ?? 'no content type'})`;
  }
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A Private Key JWT client assertion as Auth0 documents it: iss = sub = client_id, aud = the tenant's
 * `https://<domain>/`, a fresh jti, and a short life (Auth0 refuses more than five minutes).
 */
async function clientAssertion(req: TokenRequest, privateKey: string, alg: string): Promise<string> {
  // PKCS#1 (`BEGIN RSA PRIVATE KEY`) is read too: Node re-exports it as PKCS#8, which jose takes.
  const pkcs8 = createPrivateKey(privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(req.clientId)
    .setSubject(req.clientId)
    .setAudience(req.issuer)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(await importPKCS8(pkcs8, alg));
}

/** The token request's client authentication fields. */
async function authFields(req: TokenRequest): Promise<Record<string, string>> {
  if ('secret' in req.auth) return { client_secret: req.auth.secret };
  return { client_assertion_type: JWT_BEARER, client_assertion: await clientAssertion(req, req.auth.privateKey, req.auth.alg) };
}

/**
 * A client-credentials token for one grant, checked the way a resource server would check it: signature
 * against the tenant's published keys, issuer, audience, then the scopes against the manifest.
 */
export async function checkToken(req: TokenRequest, jwks: ReturnType<typeof createRemoteJWKSet>): Promise<TokenCheck> {
  const base = { client: req.client, audience: req.audience, method: 'secret' in req.auth ? 'client_secret' : 'private_key_jwt' };
  let auth: Record<string, string>;
  try {
    auth = await authFields(req);
  } catch (error) {
    return { ...base, ok: false, detail: `cannot sign a client assertion with the private key: ${(error as Error).message}` };
  }
  const res = await fetch(`${req.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: req.clientId,
      ...auth,
      audience: req.audience,
    }),
  });
  const quota = Object.fromEntries(
    QUOTA_HEADERS.flatMap((h) => (res.headers.get(h) ? [[h, res.headers.get(h) as string]] : [])),
  );
  const withQuota = Object.keys(quota).length > 0 ? { quota } : {};
  if (!res.ok) return { ...base, ...withQuota, ok: false, detail: await refusal(res) };
  const body = (await res.json()) as { access_token?: string };
  try {
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), jwks, {
      issuer: req.issuer,
      audience: req.audience,
    });
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const verified = { ...base, ...withQuota, kid: protectedHeader.kid ?? '', scopes };
    if (req.scopes && !sameSet(scopes, req.scopes)) {
      const missing = req.scopes.filter((s) => !scopes.includes(s));
      const extra = scopes.filter((s) => !req.scopes?.includes(s));
      const parts = [missing.length ? `missing ${missing.join(' ')}` : '', extra.length ? `extra ${extra.join(' ')}` : ''];
      return { ...verified, ok: false, detail: `token scopes differ from the manifest: ${parts.filter(Boolean).join('; ')}` };
    }
    return { ...verified, ok: true, detail: `signature (kid ${protectedHeader.kid ?? '?'}), issuer, audience and scopes verified` };
  } catch (error) {
    return { ...base, ...withQuota, ok: false, detail: `the token does not verify: ${(error as Error).message}` };
  }
}
