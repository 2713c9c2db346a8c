import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, issueToken, type Keys, requireScopes } from './auth.js';
import { type ControlDeps, control } from './control.js';
import { ApiFailure, errorBody, fail, TOO_MANY_REQUESTS } from './errors.js';
import { type Faults, nextFault } from './faults.js';
import { parseBody, readRaw, sendJson } from './http.js';
import { type Bucket, peek, take } from './rate-limit.js';
import { matchRoute, routeKey } from './router.js';
import { countRequest, type Stats } from './stats.js';
import type { Ctx } from './types.js';

export interface ServerDeps {
  ctx: Ctx;
  keys: Keys;
  bucket: Bucket;
  stats: Stats;
  faults: Faults;
  /** Durably records the state after a mutation (no-op without a state file). */
  persist(): Promise<void>;
  control: ControlDeps;
  log?: (line: string) => void;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function readBody(req: IncomingMessage): Promise<unknown> {
  return parseBody(await readRaw(req), req.headers['content-type']);
}

/** /api/v2: rate limit, then bearer + scope checks, then the operation; headers on every answer. */
async function api(
  req: IncomingMessage,
  url: URL,
  deps: ServerDeps,
): Promise<{ status: number; body?: unknown; headers: Record<string, string> }> {
  const method = req.method ?? 'GET';
  const limit = take(deps.bucket, Date.now());
  if (!limit.allowed) {
    deps.stats.rateLimited += 1;
    return { status: 429, body: TOO_MANY_REQUESTS, headers: limit.headers };
  }
  try {
    const caller = await authenticate(req.headers.authorization, deps.ctx.tenant, deps.keys);
    const match = matchRoute(method, url.pathname);
    if (!match) throw fail(404, 'Not Found');
    requireScopes(caller, match.route.scopes);
    const body = await readBody(req);
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
    if (MUTATING.has(method) && result.status < 300) await deps.persist();
    return { ...result, headers: limit.headers };
  } catch (e) {
    if (e instanceof ApiFailure) return { status: e.status, body: e.body, headers: limit.headers };
    throw e;
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: ServerDeps,
): Promise<{ status: number; body?: unknown; headers?: Record<string, string> } | 'dropped'> {
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
  if (fault?.kind === 'drop') {
    res.socket?.destroy();
    return 'dropped';
  }
  if (fault?.kind === 'status') {
    const body =
      fault.status === 429
        ? TOO_MANY_REQUESTS
        : errorBody(
            fault.status,
            fault.status === 500 ? 'An internal server error occurred' : 'Injected fault',
          );
    const headers = path.startsWith('/api/v2/') ? peek(deps.bucket, Date.now()) : {};
    return { status: fault.status, body, headers };
  }
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
    return { status: 200, body: token, headers: { 'cache-control': 'no-store' } };
  }
  if (method === 'GET' && path === '/.well-known/jwks.json') {
    return { status: 200, body: { keys: [deps.ctx.state.signingKey.publicJwk] } };
  }
  throw fail(404, 'Not Found');
}

export function createRequestHandler(deps: ServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      sendJson(res, status, body, headers);
      deps.log?.(`${req.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`);
    };
    route(req, res, url, deps).then(
      (r) => {
        if (r !== 'dropped') finish(r.status, r.body, r.headers);
      },
      (e: unknown) => {
        if (e instanceof ApiFailure) return finish(e.status, e.body);
        deps.log?.(`emulator bug: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        finish(500, errorBody(500, 'An internal server error occurred'));
      },
    );
  };
}
