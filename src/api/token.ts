import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { request } from 'undici';
import { TenantctlError } from '../errors.js';
import { backoffMs, sleep } from './backoff.js';
import type { Endpoint } from './domain.js';
import { tlsFailure } from './tls.js';

export type Credentials =
  | { kind: 'secret'; clientId: string; clientSecret: string }
  | { kind: 'private_key_jwt'; clientId: string; keyFile: string; alg?: string }
  | { kind: 'token'; accessToken: string };

export interface TokenProvider {
  /** A valid access token, fetched once and shared by concurrent callers until 10 s before expiry. */
  get(): Promise<string>;
  /** Forget the cached token (after a 401). */
  invalidate(): void;
  clientId: string | undefined;
}

/** Private Key JWT client assertion: iss = sub = client id, aud = `https://<domain>/`, one-minute life. */
async function clientAssertion(
  endpoint: Endpoint,
  creds: { clientId: string; keyFile: string; alg?: string },
) {
  const alg = creds.alg ?? 'RS256';
  let pem: string;
  try {
    pem = await readFile(creds.keyFile, 'utf8');
  } catch (error) {
    throw new TenantctlError('config', `cannot read AUTH0_CLIENT_ASSERTION_KEY_FILE ${creds.keyFile}`, {
      cause: error,
    });
  }
  const key = await importPKCS8(pem, alg);
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(creds.clientId)
    .setSubject(creds.clientId)
    .setAudience(endpoint.issuer)
    .setIssuedAt()
    .setExpirationTime('1m')
    .setJti(randomUUID())
    .sign(key);
}

type TokenAnswer = { status: number; body: { access_token?: string; expires_in?: number; error?: string; error_description?: string } };

async function postToken(endpoint: Endpoint, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await request(`${endpoint.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(form),
  });
  const text = await res.body.text();
  try {
    return { status: res.statusCode, body: JSON.parse(text) };
  } catch {
    return { status: res.statusCode, body: {} };
  }
}

/**
 * client_credentials at /oauth/token. Network errors, 429s and 5xx are retried a few times with backoff
 * (the token endpoint has its own rate limit); a refusal (401/403) is reported at once.
 */
async function fetchToken(endpoint: Endpoint, creds: Exclude<Credentials, { kind: 'token' }>) {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: creds.clientId, audience: endpoint.audience };
  if (creds.kind === 'secret') form.client_secret = creds.clientSecret;
  for (let attempt = 0; ; attempt += 1) {
    // A client assertion is single use (its jti), so each attempt signs a new one.
    if (creds.kind === 'private_key_jwt') {
      form.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      form.client_assertion = await clientAssertion(endpoint, creds);
    }
    let answer: TokenAnswer;
    try {
      answer = await postToken(endpoint, form);
    } catch (error) {
      const tls = tlsFailure(error, endpoint.baseUrl);
      if (tls) throw tls;
      if (attempt < 3) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw new TenantctlError('network', `cannot reach ${endpoint.baseUrl}/oauth/token: ${(error as Error).message}`, {
        hint: 'Check AUTH0_DOMAIN, or start the emulator (tenantctl emulator) / pass --emulator.',
        cause: error,
      });
    }
    const { status, body } = answer;
    if ((status === 429 || status >= 500) && attempt < 3) {
      await sleep(backoffMs(attempt));
      continue;
    }
    if (status !== 200 || typeof body.access_token !== 'string') {
      const reason = body.error_description ?? body.error ?? `status ${status}`;
      throw new TenantctlError('auth', `could not get a Management API token for client ${creds.clientId}: ${reason}`, {
        hint: 'Check AUTH0_CLIENT_ID and its secret or key, and that the client has a grant to the Management API.',
      });
    }
    return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 86400) * 1000 };
  }
}

export function createTokenProvider(endpoint: Endpoint, creds: Credentials): TokenProvider {
  if (creds.kind === 'token') {
    return {
      get: async () => creds.accessToken,
      invalidate: () => {},
      clientId: tokenClientId(creds.accessToken),
    };
  }
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<{ token: string; expiresAt: number }> | undefined;
  return {
    clientId: creds.clientId,
    async get() {
      if (cached && cached.expiresAt - 10_000 > Date.now()) return cached.token;
      pending ??= fetchToken(endpoint, creds).finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached.token;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** The client a given access token was issued to (azp, or sub without `@clients`), so we never plan it. */
function tokenClientId(token: string): string | undefined {
  try {
    const claims = decodeJwt(token);
    if (typeof claims.azp === 'string') return claims.azp;
    return typeof claims.sub === 'string' ? claims.sub.replace(/@clients$/, '') : undefined;
  } catch {
    return undefined;
  }
}
