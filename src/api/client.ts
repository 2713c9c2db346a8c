import PQueue from 'p-queue';
import { currentScope } from '../run-scope.js';
import { TenantctlError, UncertainWriteError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { backoffMs, rateLimitWaitMs, sleep } from './backoff.js';
import type { Endpoint } from './domain.js';
import { createTransport, header, type HttpAnswer } from './http.js';
import { apiError, describeNetwork, forbidden, networkError, notAuth0, notAuth0Error, unauthorized } from './explain.js';
import { createPacer, endpointOf } from './pacer.js';
import { createStopGate } from './stop-gate.js';
import { tlsFailure } from './tls.js';
import { sendsUnsetSecret } from '../unset-secret.js';
import type { RetryHook, TokenProvider } from './token.js';
import type { Api, ApiResponse, RequestOptions } from './types.js';

export interface ApiClientOptions {
  endpoint: Endpoint;
  tokens: TokenProvider;
  /** Requests in flight at most; the pacer sends fewer when the bucket and the latency call for fewer. */
  concurrency?: number;
  /** Attempts for 5xx / network failures of calls that are safe to repeat. */
  maxAttempts?: number;
  /** Give up on 429s after this long in total for one call. */
  rateLimitDeadlineMs?: number;
  /** Called before each retry, for progress output. */
  onRetry?: RetryHook;
}

export interface ApiClient extends Api {
  /** Requests sent to /api/v2 (every attempt counts). */
  readonly requestCount: number;
  /** Whether `stop` was called: nothing the run does from then on is its result. */
  readonly stopped: boolean;
  /** Ctrl-C: nothing more goes out but cleanup (stop-gate.ts); resolves once those on the wire are answered. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

// Defined with the other errors so modules that only test for it (users' apply, loaded by every command
// through the kinds) do not load the HTTP client.
export { UncertainWriteError } from '../errors.js';

type Attempt = HttpAnswer;

/** The answer's body: null when empty, the text itself when it is not JSON. */
function parseBody(text: string): { body: Json; json: boolean } {
  if (text === '') return { body: null, json: false };
  try {
    return { body: JSON.parse(text) as Json, json: true };
  } catch {
    return { body: text, json: false };
  }
}

function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The one owner of HTTP to the Management API: token, pacing from x-ratelimit-* headers, waiting out
 * 429s (a refused request was not processed, so any method may repeat it), retrying 5xx and network
 * errors with capped backoff for calls that are safe to repeat. A POST that failed with a 5xx or a broken
 * connection is NOT repeated here: the caller looks the object up by its natural key first.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { endpoint, tokens } = options;
  const transport = createTransport({ connections: options.concurrency ?? 64 });
  // The pacer decides when each request goes; the queue only lets close() wait for what is running.
  const queue = new PQueue();
  const pacer = createPacer({ maxInFlight: options.concurrency ?? 64 });
  const maxAttempts = options.maxAttempts ?? 5;
  const deadlineMs = options.rateLimitDeadlineMs ?? 300_000;
  let requestCount = 0;
  const gate = createStopGate();

  // A fleet's tenant whose run crashed sends nothing more but its cleanup: its lock is being removed, and
  // whatever of the run is still going must not write without it.
  const scope = currentScope();

  // Whether the server ever answered: before that, a refused connection means a wrong address, not a blip.
  let answered = false;

  async function send(
    method: string,
    url: string,
    token: string,
    { body, raw, endpoint, deadline, first, onSent }: { body: Json | undefined; raw: RequestOptions['raw']; endpoint: string; deadline: number; first?: boolean | 'now'; onSent?: (() => void) | undefined },
  ): Promise<Attempt> {
    const text = raw ? raw.data : body === undefined ? undefined : JSON.stringify(body);
    // Apply refuses changes that would send an unset secret's stand-in (unset-secret.ts) before sending
    // anything; one reaching this point is a bug, and it must never be written to the tenant as a secret.
    if (text !== undefined && sendsUnsetSecret(text))
      throw new TenantctlError('internal', `${method} ${url} not sent: its body holds the stand-in of an unset secret`);
    const ticket = await pacer.acquire(endpoint, deadline, first);
    // Stopped while it waited for its turn: it never goes out (the lock's removal, `first`, does).
    if (gate.stopped && !first) {
      pacer.settle(ticket, undefined);
      return gate.hold();
    }
    requestCount += 1;
    onSent?.();
    let answer: Attempt | undefined;
    try {
      answer = await gate.onWire(() => transport.send(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(raw ? { 'content-type': raw.contentType } : {}),
          ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }),
        },
        body: text,
      }));
      return answer;
    } finally {
      const h = answer?.headers ?? {};
      pacer.settle(ticket, answer?.status, {
        limit: header(h, 'x-ratelimit-limit'),
        remaining: header(h, 'x-ratelimit-remaining'),
        reset: header(h, 'x-ratelimit-reset'),
        retryAfter: header(h, 'retry-after'),
      });
    }
  }

  async function perform(opts: RequestOptions): Promise<ApiResponse> {
    const path = `${opts.path}${queryString(opts.query)}`;
    const url = `${endpoint.baseUrl}/api/v2${path}`;
    const repeatable = opts.method !== 'POST';
    const started = Date.now();
    const bucketKey = endpointOf(opts.method, opts.path);
    let failures = 0;
    let refreshedToken = false;
    // Removing the lock after a stop goes at once, unless the API refused that already (stop-gate.ts).
    let urgent = opts.cleanup === true;
    for (;;) {
      if (gate.stopped && !opts.cleanup) return gate.hold();
      if (scope?.crashed && !opts.cleanup)
        throw new TenantctlError('crashed', `${opts.method} /api/v2${opts.path} not sent: this tenant's run crashed (${scope.crashed.message})`);
      // Outside the network try: a token failure is already explained and must not be retried as a blip.
      const token = await tokens.get();
      let attempt: Attempt;
      try {
        // Cleanup (the lock's removal while the process is being stopped) goes ahead of an apply's queued
        // requests: behind them, on a slow bucket, it missed the few seconds a stopping process has.
        attempt = await send(opts.method, url, token, { body: opts.body, raw: opts.raw, endpoint: bucketKey, deadline: started + deadlineMs, first: urgent && gate.stopped ? 'now' : opts.cleanup === true, onSent: opts.onSent });
      } catch (error) {
        if (error instanceof TenantctlError) throw error;
        const tls = tlsFailure(error, endpoint.baseUrl);
        if (tls) throw tls;
        const failure = describeNetwork(error, endpoint.baseUrl);
        if (failure.kind === 'no_host' || (failure.kind === 'refused' && !answered))
          throw networkError(failure, endpoint.baseUrl, failures + 1, error);
        // A refused connection sent nothing, so even a create may be repeated; other breaks may have landed.
        if (!repeatable && failure.kind !== 'refused')
          throw new UncertainWriteError(opts.method, path, new Error(failure.text, { cause: error }));
        failures += 1;
        if (failures >= maxAttempts) throw networkError(failure, endpoint.baseUrl, failures, error);
        const waitMs = backoffMs(failures - 1);
        options.onRetry?.({ method: opts.method, path, reason: failure.text, waitMs, attempt: failures + 1, of: maxAttempts });
        await sleep(waitMs);
        continue;
      }
      answered = true;
      const what = `${opts.method} /api/v2${opts.path}`;
      const { body, json } = parseBody(attempt.text);
      if (notAuth0(attempt, what, json)) throw notAuth0Error(endpoint.baseUrl, { status: attempt.status, contentType: header(attempt.headers, 'content-type') }, what);
      // A refused request was not processed, so any method may repeat it; the pacer has learned from the
      // refusal and holds the retry until the bucket has a token again.
      if (attempt.status === 429 && Date.now() - started < deadlineMs) {
        urgent = false;
        const waitMs = rateLimitWaitMs({
          retryAfter: header(attempt.headers, 'retry-after'),
          reset: header(attempt.headers, 'x-ratelimit-reset'),
        });
        options.onRetry?.({ method: opts.method, path, reason: 'rate limited (429)', waitMs });
        continue;
      }
      if (attempt.status === 401 && !(opts.accept ?? []).includes(401)) {
        // The token may have expired between our check and the server's: fetch a fresh one once.
        if (!refreshedToken && !tokens.fixed) {
          refreshedToken = true;
          tokens.invalidate();
          continue;
        }
        throw unauthorized({ method: opts.method, path, body, fixedToken: tokens.fixed, audience: endpoint.audience });
      }
      if (attempt.status === 403 && !(opts.accept ?? []).includes(403)) {
        const scopes = forbidden({ method: opts.method, path, body, token, clientId: tokens.clientId });
        if (scopes) throw scopes;
      }
      if (attempt.status >= 500) {
        const error = apiError(opts.method, path, attempt.status, body);
        if (!repeatable) throw new UncertainWriteError(opts.method, path, error);
        failures += 1;
        if (failures < maxAttempts) {
          const waitMs = backoffMs(failures - 1);
          options.onRetry?.({ method: opts.method, path, reason: `server error ${attempt.status}`, waitMs, attempt: failures + 1, of: maxAttempts });
          await sleep(waitMs);
          continue;
        }
        throw error;
      }
      if (attempt.status >= 400 && !(opts.accept ?? []).includes(attempt.status)) {
        throw apiError(opts.method, path, attempt.status, body);
      }
      return { status: attempt.status, body };
    }
  }

  async function list(
    path: string,
    key: string,
    opts: { checkpoint?: boolean; query?: RequestOptions['query']; pageSize?: number } = {},
  ) {
    const items: JsonObject[] = [];
    const size = opts.pageSize ?? 100;
    if (opts.checkpoint) {
      let from: string | undefined;
      do {
        const res = await api.request({ method: 'GET', path, query: { ...opts.query, take: size, from } });
        const page = envelope(res.body, key, path);
        items.push(...page.items);
        from = page.next;
      } while (from);
      return items;
    }
    for (let page = 0; ; page += 1) {
      const res = await api.request({
        method: 'GET',
        path,
        query: { ...opts.query, page, per_page: size, include_totals: true },
      });
      const { items: got, total } = envelope(res.body, key, path);
      items.push(...got);
      if (got.length < size || (total !== undefined && items.length >= total)) return items;
    }
  }

  const api: ApiClient = {
    domain: endpoint.domain,
    get clientId() {
      return tokens.clientId;
    },
    get keyFile() {
      return tokens.keyFile;
    },
    get requestCount() {
      return requestCount;
    },
    get stopped() {
      return gate.stopped;
    },
    request: (opts) => queue.add(() => perform(opts)) as Promise<ApiResponse>,
    list,
    async download(url) {
      const res = await transport.stream(url);
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        throw new TenantctlError('download', `GET ${new URL(url).pathname} failed with status ${res.statusCode}`);
      }
      return res;
    },
    stop: () => gate.stop(),
    async close() {
      await queue.onIdle();
      transport.close();
    },
  };
  return api;
}

function envelope(
  body: Json,
  key: string,
  path: string,
): { items: JsonObject[]; next?: string; total?: number } {
  if (Array.isArray(body)) return { items: body.filter(isObject) };
  if (isObject(body) && Array.isArray(body[key])) {
    const items = (body[key] as Json[]).filter(isObject);
    const next = typeof body.next === 'string' && body.next !== '' ? body.next : undefined;
    const total = typeof body.total === 'number' ? body.total : undefined;
    return { items, next, total };
  }
  throw new TenantctlError('api_shape', `GET ${path} returned an unexpected body (no '${key}' list)`);
}
