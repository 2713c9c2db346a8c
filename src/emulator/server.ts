import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, issueToken, type Keys, requireScopes } from './auth.js';
import { type ControlDeps, control } from './control.js';
import { ApiFailure, ENDPOINT_TOO_MANY_REQUESTS, errorBody, fail, TOO_MANY_REQUESTS } from './errors.js';
import { type Faults, nextFault } from './faults.js';
import { parseBody, readRaw, sendJson } from './http.js';
import { admit, peek, type RateLimiter } from './rate-limit.js';
import { matchRoute, routeKey } from './router.js';
import { EXPORT_PATH, serveExport } from './routes/jobs.js';
import { publishedJwks } from './signing-keys.js';
import { countRequest, logRequest, type Stats } from './stats.js';
import { countToken } from './token-quotas.js';
import type { Ctx } from './types.js';

export interface ServerDeps {
  ctx: Ctx;
  keys: Keys;
  limiter: RateLimiter;
  stats: Stats;
  faults: Faults;
  /** Durably records the state after a mutation (no-op without a state file). */
  persist(): Promise<void>;
  control: ControlDeps;
  log?: (line: string) => void;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function readBody(req: IncomingMessage): Promise<unknown> {
  return parseBody(await readRaw(req), req.headers['content-type']);
}

/** /api/v2: rate limits (global, then the route's group), bearer + scope checks, the operation; headers on every answer. */
async function api(req: IncomingMessage, url: URL, deps: ServerDeps): Promise<Answer> {
  const method = req.method ?? 'GET';
  const match = matchRoute(method, url.pathname);
  const limit = admit(deps.limiter, match?.route.bucket, Date.now());
  if (!limit.allowed) {
    deps.stats.rateLimited += 1;
    const key = routeKey(method, url.pathname);
    deps.stats.rateLimitedByRoute[key] = (deps.stats.rateLimitedByRoute[key] ?? 0) + 1;
    const body = limit.refusedBy === 'global' ? TOO_MANY_REQUESTS : ENDPOINT_TOO_MANY_REQUESTS;
    return { status: 429, body, headers: limit.headers };
  }
  try {
    const caller = await authenticate(req.headers.authorization, deps.ctx.tenant, deps.keys);
    if (!match) throw fail(404, 'Not Found');
    requireScopes(caller, match.route.scopes);
    const { rawBody } = match.route;
    const body = rawBody
      ? { raw: await readRaw(req, rawBody), contentType: req.headers['content-type'] }
      : await readBody(req);
    const result = match.route.handler(
      {
        method,
        path: url.pathname,
        query: url.searchParams,
        params: match.params,
        body,
        scopes: caller.scopes,
        caller: caller.clientId,
      },
      deps.ctx,
    );
    if ((MUTATING.has(method) || result.changed) && result.status < 300) await deps.persist();
    return { status: result.status, body: result.body, headers: limit.headers };
  } catch (e) {
    if (e instanceof ApiFailure) return { status: e.status, body: e.body, headers: limit.headers };
    throw e;
  }
}

/** The Management API, the token endpoint and the key set. */
async function route(req: IncomingMessage, url: URL, deps: ServerDeps): Promise<Answer> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path.startsWith('/api/v2/')) return api(req, url, deps);
  if (method === 'POST' && path === '/oauth/token') {
    const body = await readBody(req);
    const token = await issueToken({
      body,
      authorization: req.headers.authorization,
      state: deps.ctx.state,
      tenant: deps.ctx.tenant,
      keys: deps.keys,
    });
    const quota = countToken(deps.ctx.state, String(decodeJwt(String(token.access_token)).azp), Date.now());
    if (quota.refused) return { status: 429, body: quota.refused, headers: quota.headers };
    return { status: 200, body: token, headers: { 'cache-control': 'no-store', ...quota.headers } };
  }
  if (method === 'GET' && path.startsWith(EXPORT_PATH)) return serveExport(deps.ctx, path, url.searchParams);
  if (method === 'GET' && path === '/.well-known/jwks.json') {
    return { status: 200, body: { keys: publishedJwks(deps.ctx.state) } };
  }
  throw fail(404, 'Not Found');
}

/** The answer an armed fault gives instead of the real one; token-endpoint errors use the OAuth shape. */
function faultAnswer(status: number, path: string, deps: ServerDeps): Answer {
  if (path === '/oauth/token') {
    const error = status === 429 ? 'too_many_requests' : status >= 500 ? 'server_error' : 'invalid_request';
    return { status, body: { error, error_description: 'Injected fault' } };
  }
  const body =
    status === 429
      ? TOO_MANY_REQUESTS
      : errorBody(status, status === 500 ? 'An internal server error occurred' : 'Injected fault');
  const headers = path.startsWith('/api/v2/') ? peek(deps.limiter, Date.now(), status) : {};
  return { status, body, headers };
}

/**
 * Everything outside /__emulator: counters, then the armed faults around the real work, which they can
 * delay, replace before it runs (nothing changes), or replace after it ran and persisted (the change stays).
 */
async function handle(req: IncomingMessage, url: URL, deps: ServerDeps): Promise<Answer | 'dropped'> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path.startsWith('/__emulator/')) {
    const body = method === 'GET' ? undefined : await readBody(req);
    return control(method, path, body, deps.control);
  }
  // Counters cover Management API calls only: a test asserting "one PATCH and nothing else" must not see
  // the token request every CLI run starts with.
  if (path.startsWith('/api/v2/')) countRequest(deps.stats, routeKey(method, path));
  const fault = nextFault(deps.faults, method, path);
  const strike = async (when: 'before' | 'after'): Promise<Answer | 'dropped' | undefined> => {
    if (!fault) return undefined;
    if (fault.delayMs[when] > 0) await sleep(fault.delayMs[when]);
    if (fault.outcome?.when !== when) return undefined;
    deps.log?.(`fault: ${method} ${path} ${fault.outcome.status} (${when})`);
    return fault.outcome.status === 'drop' ? 'dropped' : faultAnswer(fault.outcome.status, path, deps);
  };
  const early = await strike('before');
  if (early) return early;
  let answer: Answer;
  try {
    answer = await route(req, url, deps);
  } catch (e) {
    if (!(e instanceof ApiFailure)) throw e;
    answer = { status: e.status, body: e.body };
  }
  return (await strike('after')) ?? answer;
}

export function createRequestHandler(deps: ServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    // The request log covers everything but the control endpoints themselves, newest last.
    const record = (status: number | 'dropped') => {
      if (url.pathname.startsWith('/__emulator/')) return;
      const at = new Date(started).toISOString();
      const path = `${url.pathname}${url.search}`;
      logRequest(deps.stats, { at, method: req.method ?? 'GET', path, status, ms: Date.now() - started });
    };
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record(status);
      sendJson(res, status, body, headers);
      deps.log?.(`${req.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`);
    };
    handle(req, url, deps).then(
      (r) => {
        if (r !== 'dropped') return finish(r.status, r.body, r.headers);
        record('dropped');
        res.socket?.destroy();
      },
      (e: unknown) => {
        if (e instanceof ApiFailure) return finish(e.status, e.body);
        deps.log?.(`emulator bug: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        finish(500, errorBody(500, 'An internal server error occurred'));
      },
    );
  };
}
