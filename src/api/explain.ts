import { ApiError, TenantctlError } from '../errors.js';
import { isObject, type Json } from '../json.js';
import { jwtClaims } from './jwt-claims.js';

/**
 * Node's error code, found anywhere in the cause chain (a failed connection to a host with several addresses
 * is an AggregateError of one error per address).
 */
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const inner = (current as { errors?: unknown[] }).errors?.[0];
    current = inner ?? current.cause;
  }
  return undefined;
}

export interface NetworkFailure {
  /** What happened, for people: `connection refused by 127.0.0.1:4010`. */
  text: string;
  /** Retrying cannot help (no such host), or cannot help before the server was ever reached. */
  kind: 'no_host' | 'refused' | 'transient';
}

/** A socket or DNS failure, said the way a person can act on; never the library's own wording alone. */
export function describeNetwork(error: unknown, baseUrl: string): NetworkFailure {
  const host = new URL(baseUrl).host;
  const code = codeOf(error);
  switch (code) {
    case 'ENOTFOUND':
      return { kind: 'no_host', text: `cannot resolve ${new URL(baseUrl).hostname}: no such host (DNS)` };
    case 'EAI_AGAIN':
      return { kind: 'transient', text: `DNS lookup of ${new URL(baseUrl).hostname} failed for now (EAI_AGAIN)` };
    case 'ECONNREFUSED':
      return { kind: 'refused', text: `connection refused by ${host}` };
    case 'ECONNRESET':
      return { kind: 'transient', text: `connection reset by ${host}` };
    case 'EPIPE':
      return { kind: 'transient', text: `connection closed by ${host}` };
    case 'ETIMEDOUT':
      return { kind: 'transient', text: `connection to ${host} timed out` };
    default:
      return { kind: 'transient', text: `${(error as Error).message} (${host})` };
  }
}

/** The error for a network failure tenantctl gives up on. */
export function networkError(failure: NetworkFailure, baseUrl: string, attempts: number, cause: unknown): TenantctlError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return new TenantctlError('network', `cannot reach ${baseUrl}: ${failure.text}${tries}`, {
    hint:
      failure.kind === 'transient'
        ? 'Check the network to the tenant and run again; tenantctl retries transient failures on its own.'
        : 'Check AUTH0_DOMAIN (host and port); for a local emulator, start it with `tenantctl emulator` or pass --emulator.',
    cause,
  });
}

/**
 * An answer no Auth0 tenant gives: 501, a 404 from /oauth/token, or a page where JSON belongs. A 5xx page
 * from /api/v2 is left to the retries (proxies in front of a real tenant answer those). The page itself is
 * never printed: it says nothing a person can act on, and may be large.
 */
export function notAuth0(answer: { status: number; text: string }, what: string, isJson?: boolean): boolean {
  const tokenEndpoint = what.endsWith('/oauth/token');
  if (answer.status === 501 || (tokenEndpoint && answer.status === 404)) return true;
  if (answer.text === '') return false;
  // `isJson`: the caller parsed the text already (pages of a large tenant are megabytes).
  if (isJson ?? parsesAsJson(answer.text)) return false;
  return tokenEndpoint || answer.status < 500;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function notAuth0Error(baseUrl: string, answer: { status: number; contentType: string | undefined }, what: string) {
  const type = answer.contentType?.split(';')[0]?.trim() || 'no content type';
  return new TenantctlError('not_auth0', `${baseUrl} is not an Auth0 tenant: it answered ${answer.status} ${type} to ${what}`, {
    hint: "Check AUTH0_DOMAIN: it must be the tenant's domain (acme.eu.auth0.com) or an emulator's URL, not a website.",
  });
}

const messageOf = (body: Json) => (isObject(body) && typeof body.message === 'string' ? body.message : undefined);

/** A 401 after a fresh token (or with a fixed AUTH0_ACCESS_TOKEN): expired or rejected, and what to check. */
export function unauthorized(args: { method: string; path: string; body: Json; fixedToken: boolean; audience: string }) {
  const said = messageOf(args.body) ?? 'no message';
  const expired = /expired/i.test(said);
  const what = expired ? 'the access token has expired' : `the access token was rejected (${said})`;
  const hint = args.fixedToken
    ? expired
      ? 'Get a new AUTH0_ACCESS_TOKEN, or set AUTH0_CLIENT_ID with AUTH0_CLIENT_SECRET so tenantctl fetches its own.'
      : `Check that AUTH0_ACCESS_TOKEN was issued by this tenant (AUTH0_DOMAIN) for ${args.audience} (AUTH0_AUDIENCE).`
    : expired
      ? 'A token fetched just now was refused as expired: check the clock of this machine.'
      : `Check AUTH0_DOMAIN and AUTH0_AUDIENCE (now ${args.audience}): the token must be for this tenant's Management API.`;
  return new ApiError({ status: 401, method: args.method, path: args.path, message: what, hint });
}

function scopesOf(token: string): Set<string> {
  try {
    const scope = jwtClaims(token).scope;
    return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
  } catch {
    return new Set();
  }
}

/** A 403 names the scopes the call needs ("Insufficient scope, expected any of: a,b"): say which are missing. */
export function forbidden(args: { method: string; path: string; body: Json; token: string; clientId: string | undefined }) {
  const said = messageOf(args.body) ?? 'forbidden';
  const match = /expected (any|all) of:\s*(.+)$/i.exec(said);
  if (!match) return undefined;
  const held = scopesOf(args.token);
  const expected = (match[2] ?? '').split(/[,\s]+/).filter(Boolean);
  const missing = expected.filter((s) => !held.has(s));
  const anyOne = match[1]?.toLowerCase() === 'any' && missing.length > 1;
  const needs = anyOne ? `one of the scopes ${missing.join(', ')} (any one is enough)` : `the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  const who = args.clientId ? `client ${args.clientId}` : 'the token';
  return new ApiError({
    status: 403,
    method: args.method,
    path: args.path,
    message: `missing scope: the token lacks ${needs}`,
    errorCode: 'insufficient_scope',
    hint: `Grant ${anyOne ? missing[0] : missing.join(', ')} to ${who} on the Auth0 Management API (Applications > APIs > Auth0 Management API > Machine to Machine Applications), then run again.`,
  });
}

/** A refused call as an error: the API's own message and error code when its answer has them. */
export function apiError(method: string, path: string, status: number, body: Json): ApiError {
  const message =
    isObject(body) && typeof body.message === 'string'
      ? body.message
      : typeof body === 'string'
        ? 'the answer was not JSON'
        : 'no message';
  const errorCode = isObject(body) && typeof body.errorCode === 'string' ? body.errorCode : undefined;
  return new ApiError({ status, method, path, message, errorCode });
}
