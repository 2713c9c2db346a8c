import { nodeCrypto } from '../node-crypto.js';
import { readFile } from 'node:fs/promises';
import type { CryptoKey, KeyObject } from 'jose';
import { TenantctlError } from '../errors.js';
import { backoffMs, sleep } from './backoff.js';
import type { Endpoint } from './domain.js';
import { describeNetwork, networkError, notAuth0, notAuth0Error } from './explain.js';
import { createTransport, header } from './http.js';
import { tlsFailure } from './tls.js';
import { jwtClaims } from './jwt-claims.js';

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
  /** The private key file tenantctl signs its client assertions with (private_key_jwt), if it does. */
  keyFile?: string;
  /** A token given as AUTH0_ACCESS_TOKEN, which tenantctl cannot renew. */
  fixed: boolean;
}

/** Told before each retry, so a slow or flaky tenant shows progress instead of silence. */
export type RetryHook = (info: {
  method: string;
  path: string;
  reason: string;
  waitMs: number;
  /** The attempt about to be made, and how many there will be at most (none for rate limits). */
  attempt?: number;
  of?: number;
}) => void;

/**
 * The private key for client assertions. node:crypto reads PKCS#8, PKCS#1 (`BEGIN RSA PRIVATE KEY`, what
 * `openssl genrsa -traditional` writes) and SEC1 EC keys alike; jose wants PKCS#8, so the key goes through
 * an export. Any problem is a key error naming the file: retrying cannot fix a key.
 */
async function assertionKey(keyFile: string, alg: string) {
  let pem: string;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new TenantctlError('key', `cannot read the private key AUTH0_CLIENT_ASSERTION_KEY_FILE=${keyFile} (${code})`, {
      hint: 'Point AUTH0_CLIENT_ASSERTION_KEY_FILE at a readable PEM private key.',
    });
  }
  try {
    const pkcs8 = nodeCrypto().createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
    // jose only for Private Key JWT: a client secret needs none of it.
    const { importPKCS8 } = await import('jose');
    return await importPKCS8(pkcs8, alg);
  } catch (error) {
    throw new TenantctlError('key', `AUTH0_CLIENT_ASSERTION_KEY_FILE=${keyFile} is not a usable ${alg} private key: ${(error as Error).message}`, {
      hint: 'Use a PEM private key (PKCS#8 or PKCS#1 "BEGIN RSA PRIVATE KEY") whose type matches AUTH0_CLIENT_ASSERTION_ALG (default RS256).',
    });
  }
}

/** Private Key JWT client assertion: iss = sub = client id, aud = `https://<domain>/`, one-minute life. */
async function clientAssertion(endpoint: Endpoint, clientId: string, alg: string, key: CryptoKey | KeyObject) {
  const { SignJWT } = await import('jose');
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(endpoint.issuer)
    .setIssuedAt()
    .setExpirationTime('1m')
    .setJti(nodeCrypto().randomUUID())
    .sign(key);
}

type TokenBody = { access_token?: string; expires_in?: number; error?: string; error_description?: string };
type TokenAnswer = { status: number; contentType: string | undefined; text: string; body: TokenBody };

async function postToken(endpoint: Endpoint, form: Record<string, string>): Promise<TokenAnswer> {
  // One short-lived connection: the token is fetched once per run (and on expiry), not worth a pool.
  const transport = createTransport({ connections: 1 });
  let res;
  try {
    res = await transport.send(`${endpoint.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(form),
    });
  } finally {
    transport.close();
  }
  const { text } = res;
  const contentType = header(res.headers, 'content-type');
  try {
    return { status: res.status, contentType, text, body: JSON.parse(text) as TokenBody };
  } catch {
    return { status: res.status, contentType, text, body: {} };
  }
}

const TOKEN_ATTEMPTS = 4;
const TOKEN = 'POST /oauth/token';

/** What to check after the token endpoint refused: the wording of its OAuth error points at the cause. */
function refusalHint(body: TokenBody, clientId: string, endpoint: Endpoint): string {
  const said = `${body.error ?? ''} ${body.error_description ?? ''}`;
  if (/service not found|audience/i.test(said))
    return `Check AUTH0_AUDIENCE (now ${endpoint.audience}): it must be the tenant's Management API identifier.`;
  if (/not authorized to access|client-grant/i.test(said))
    return `Authorize client ${clientId} for the Auth0 Management API (a client grant with the scopes you manage).`;
  return 'Check AUTH0_CLIENT_ID and its secret (AUTH0_CLIENT_SECRET) or key (AUTH0_CLIENT_ASSERTION_KEY_FILE).';
}

/**
 * client_credentials at /oauth/token. Transient network errors, 429s and 5xx are retried a few times with
 * backoff (the token endpoint has its own rate limit), each retry announced; a refusal (401/403), an
 * unknown host or a refused connection is reported at once.
 */
async function fetchToken(
  endpoint: Endpoint,
  creds: Exclude<Credentials, { kind: 'token' }>,
  onRetry: RetryHook | undefined,
) {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: creds.clientId, audience: endpoint.audience };
  if (creds.kind === 'secret') form.client_secret = creds.clientSecret;
  const alg = creds.kind === 'private_key_jwt' ? (creds.alg ?? 'RS256') : 'RS256';
  const key = creds.kind === 'private_key_jwt' ? await assertionKey(creds.keyFile, alg) : undefined;
  for (let attempt = 1; ; attempt += 1) {
    const retry = async (reason: string) => {
      const waitMs = backoffMs(attempt - 1);
      onRetry?.({ method: 'POST', path: '/oauth/token', reason, waitMs, attempt: attempt + 1, of: TOKEN_ATTEMPTS });
      await sleep(waitMs);
    };
    // A client assertion is single use (its jti), so each attempt signs a new one.
    if (key) {
      form.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      form.client_assertion = await clientAssertion(endpoint, creds.clientId, alg, key);
    }
    let answer: TokenAnswer;
    try {
      answer = await postToken(endpoint, form);
    } catch (error) {
      const tls = tlsFailure(error, endpoint.baseUrl);
      if (tls) throw tls;
      const failure = describeNetwork(error, endpoint.baseUrl);
      // The token is the first call of a run: a refused connection or an unknown host here means a wrong
      // AUTH0_DOMAIN or a stopped emulator, and retrying would only delay saying so.
      if (failure.kind !== 'transient' || attempt >= TOKEN_ATTEMPTS)
        throw networkError(failure, endpoint.baseUrl, attempt, error);
      await retry(failure.text);
      continue;
    }
    const { status, body } = answer;
    if (notAuth0(answer, TOKEN)) throw notAuth0Error(endpoint.baseUrl, answer, TOKEN);
    if ((status === 429 || status >= 500) && attempt < TOKEN_ATTEMPTS) {
      await retry(status === 429 ? 'rate limited (429)' : `server error ${status}`);
      continue;
    }
    if (status !== 200 || typeof body.access_token !== 'string') {
      const reason = body.error_description ?? body.error ?? `status ${status}`;
      throw new TenantctlError('auth', `could not get a Management API token for client ${creds.clientId}: ${reason}`, {
        hint: refusalHint(body, creds.clientId, endpoint),
      });
    }
    return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 86400) * 1000 };
  }
}

export function createTokenProvider(
  endpoint: Endpoint,
  creds: Credentials,
  options: { onRetry?: RetryHook } = {},
): TokenProvider {
  if (creds.kind === 'token') {
    return {
      fixed: true,
      get: async () => creds.accessToken,
      invalidate: () => {},
      clientId: tokenClientId(creds.accessToken),
    };
  }
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<{ token: string; expiresAt: number }> | undefined;
  return {
    fixed: false,
    clientId: creds.clientId,
    ...(creds.kind === 'private_key_jwt' ? { keyFile: creds.keyFile } : {}),
    async get() {
      if (cached && cached.expiresAt - 10_000 > Date.now()) return cached.token;
      pending ??= fetchToken(endpoint, creds, options.onRetry).finally(() => {
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
    const claims = jwtClaims(token);
    if (typeof claims.azp === 'string') return claims.azp;
    return typeof claims.sub === 'string' ? claims.sub.replace(/@clients$/, '') : undefined;
  } catch {
    return undefined;
  }
}
