import { TenantctlError } from '../errors.js';
import { BucketModel } from './pacer-bucket.js';

/**
 * Client-side pacing from the x-ratelimit-* headers, so the API never has to refuse us. The bucket is
 * learned, never hard-coded (plans differ: Free 2/2 s, Enterprise 50/16 s, Private Cloud 250/250 s;
 * mgmt-api.md §1.3): pacer-bucket.ts models it from the answers. A request goes out as soon as the model
 * says the server holds a token for it, so as many requests are in flight as rate x latency needs.
 * Endpoint buckets (signing-key rotation: 5 a day; users on some plans) show themselves by a 429 whose
 * headers name another bucket size; requests to that endpoint then wait for it without holding up the rest.
 */
export interface RateHeaders {
  limit?: string;
  remaining?: string;
  reset?: string;
  retryAfter?: string;
}

/** One request's claim on its buckets, from `acquire` to `settle`. */
export interface Ticket {
  endpoint: string;
  seqs: [BucketModel, number][];
}

export interface Pacer {
  /**
   * Resolves when `endpoint` (`METHOD /path` with ids as `*`) may be sent. Rejects when its bucket will not
   * give a token before `deadline` (epoch ms): a 5-a-day bucket is not worth waiting for.
   */
  /**
   * `first`: ahead of every waiting request (removing the apply lock while the process is being stopped).
   * `now`: at once, whatever the buckets say: the lock's removal once a signal stopped every other request,
   * when one still on the wire (its answer never came) would keep the model from giving a token in time.
   */
  acquire(endpoint: string, deadline?: number, first?: boolean | 'now'): Promise<Ticket>;
  /** The request is over: `status` undefined when no answer came. Every ticket is settled exactly once. */
  settle(ticket: Ticket, status: number | undefined, headers?: RateHeaders): void;
}

export interface PacerOptions {
  /** At most this many requests in flight at once, whatever the buckets allow (the server's own bound). */
  maxInFlight?: number;
  now?: () => number;
}

interface Waiter {
  endpoint: string;
  deadline: number;
  resolve(ticket: Ticket): void;
  reject(error: Error): void;
}

const num = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? n : undefined;
};

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = num(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The endpoint a request's bucket is keyed by: the path with its ids (they hold digits, `|`, `%`...) as `*`. */
export function endpointOf(method: string, path: string): string {
  const segments = path.split('?')[0]?.split('/') ?? [];
  return `${method} ${segments.map((s, i) => (i > 1 && /[\d|%:@.]/.test(s) ? '*' : s)).join('/')}`;
}

export function createPacer(options: PacerOptions = {}): Pacer {
  const now = options.now ?? Date.now;
  const maxInFlight = options.maxInFlight ?? 64;
  const global = new BucketModel();
  const endpoints = new Map<string, BucketModel>();
  const waiters: Waiter[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;

  const bucketsOf = (endpoint: string): BucketModel[] => {
    const own = endpoints.get(endpoint);
    return own ? [global, own] : [global];
  };

  function grant(w: Waiter, t: number): void {
    inFlight += 1;
    w.resolve({ endpoint: w.endpoint, seqs: bucketsOf(w.endpoint).map((b) => [b, b.take(t)]) });
  }

  /** Sends whoever may go, oldest first; an endpoint that waits for its own bucket lets the others pass. */
  function pump(): void {
    const t = now();
    let wake = Number.POSITIVE_INFINITY;
    for (let i = 0; i < waiters.length && inFlight < maxInFlight; ) {
      const w = waiters[i] as Waiter;
      if (global.available(t) < 1) {
        wake = Math.min(wake, global.wakeAt(t) ?? wake);
        break;
      }
      const own = endpoints.get(w.endpoint);
      if (own && own.available(t) < 1) {
        const at = own.wakeAt(t);
        if (at !== undefined && at > w.deadline) {
          waiters.splice(i, 1);
          w.reject(rateLimited(w.endpoint, at));
          continue;
        }
        wake = Math.min(wake, at ?? wake);
        i += 1;
        continue;
      }
      waiters.splice(i, 1);
      grant(w, t);
    }
    schedule(wake, t);
  }

  function schedule(at: number, t: number): void {
    if (!Number.isFinite(at) || waiters.length === 0) return;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        pump();
      },
      Math.max(1, Math.ceil(at - t)),
    );
  }

  return {
    acquire(endpoint, deadline = Number.POSITIVE_INFINITY, first = false) {
      return new Promise<Ticket>((resolve, reject) => {
        const waiter = { endpoint, deadline, resolve, reject };
        if (first === 'now') return grant(waiter, now());
        if (first) waiters.unshift(waiter);
        else waiters.push(waiter);
        pump();
      });
    },
    settle(ticket, status, headers = {}) {
      const t = now();
      inFlight -= 1;
      const limit = num(headers.limit);
      const remaining = num(headers.remaining);
      const reset = num(headers.reset);
      // A 429 whose bucket size is not the global one comes from the endpoint's own bucket (§1.3).
      const ownBucket =
        status === 429 && limit !== undefined && global.limit !== undefined && limit !== global.limit;
      if (ownBucket && !endpoints.has(ticket.endpoint)) endpoints.set(ticket.endpoint, new BucketModel());
      const own = endpoints.get(ticket.endpoint);
      const ownSize = own !== undefined && limit !== undefined && limit === own.limit && limit !== global.limit;
      const describes = own && (ownBucket || ownSize) ? own : global;
      // Refused requests, and failures before the server handled them, took no token (§1.4); 5xx are unknown.
      const taken = status !== undefined && status !== 429 && status < 500;
      const answer = { taken, limit, remaining, resetAt: reset === undefined ? undefined : reset * 1000 };
      for (const [bucket, seq] of ticket.seqs) bucket.settle(seq, t, bucket === describes ? answer : { taken });
      // The first 429 of an endpoint bucket was sent before we knew of it: its answer still teaches it.
      if (describes !== global && !ticket.seqs.some(([b]) => b === describes)) describes.settle(describes.take(t), t, answer);
      if (status === 429) describes.refused(t, retryAfterMs(headers.retryAfter, t));
      pump();
    },
  };
}

function rateLimited(endpoint: string, at: number): TenantctlError {
  return new TenantctlError(
    'rate_limited',
    `${endpoint} is rate limited by its own bucket until ${new Date(at).toISOString()}; nothing more was sent to it`,
    { hint: 'Run it again after that time; the other changes were not held up.' },
  );
}
