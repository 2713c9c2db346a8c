/**
 * The tenant's Management API buckets (mgmt-api.md §1.3, §1.4): one global continuous token bucket in front
 * of every /api/v2 request, plus small buckets for endpoint groups that Auth0 limits on their own. `size` is
 * the burst (what `x-ratelimit-limit` shows: 50 on Enterprise production) and `rate` the sustained refill per
 * second (16). A request that finds less than one token is refused and consumes nothing, in any bucket.
 */
export interface Bucket {
  size: number;
  rate: number;
  tokens: number;
  updatedAt: number;
}

/**
 * Endpoint groups with their own bucket, checked after the global one ("Tenant request limits order").
 * A route opts in with `bucket: '<group>'`.
 */
export const BUCKET_GROUPS = {
  /** `POST /api/v2/keys/signing/rotate`: 5 burst, 5 per day on every plan. */
  'signing-rotate': { size: 5, rate: 5 / 86_400 },
} as const;

export type BucketGroup = keyof typeof BUCKET_GROUPS;

/** The published global buckets per plan, as `--rate-limit` accepts them by name. */
export const RATE_LIMIT_PRESETS = {
  free: '2/2',
  /** Enterprise, a tenant tagged development or staging. */
  dev: '10/2',
  /** Enterprise, production. */
  enterprise: '50/16',
} as const;

export const DEFAULT_RATE_LIMIT = 'enterprise';

/**
 * What `x-ratelimit-reset` means: the docs say when the next token arrives (`next`, the default); node-auth0
 * PR #538 says when the bucket is full again (`full`). Clients must cope with both (§1.1).
 */
export type ResetMode = 'next' | 'full';

export interface RateLimiterOptions {
  /** A preset name or `BURST/RPS`. */
  spec?: string;
  /** Send `Retry-After` (whole seconds) on 429s; the docs never promise it for the Management API (§1.1). */
  retryAfter?: boolean;
  reset?: ResetMode;
}

export interface RateLimiter {
  global: Bucket;
  groups: Map<BucketGroup, Bucket>;
  retryAfter: boolean;
  reset: ResetMode;
}

export interface Admission {
  allowed: boolean;
  headers: Record<string, string>;
  /** Which bucket refused the request. */
  refusedBy?: 'global' | BucketGroup;
}

export function parseRateLimit(spec: string): { size: number; rate: number } {
  const preset = (RATE_LIMIT_PRESETS as Record<string, string>)[spec.trim().toLowerCase()];
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(preset ?? spec);
  const size = Number(m?.[1]);
  const rate = Number(m?.[2]);
  if (!m || !(size >= 1) || !(rate > 0)) {
    const names = Object.keys(RATE_LIMIT_PRESETS).join(', ');
    throw new Error(`rate limit must be one of ${names} or BURST/RPS (e.g. 50/16), got "${spec}"`);
  }
  return { size: Math.floor(size), rate };
}

const fullBucket = ({ size, rate }: { size: number; rate: number }, now: number): Bucket => ({
  size,
  rate,
  tokens: size,
  updatedAt: now,
});

export function createRateLimiter(options: RateLimiterOptions, now: number): RateLimiter {
  return {
    global: fullBucket(parseRateLimit(options.spec ?? DEFAULT_RATE_LIMIT), now),
    groups: new Map(),
    retryAfter: options.retryAfter ?? false,
    reset: options.reset ?? 'next',
  };
}

function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.size, b.tokens + ((now - b.updatedAt) / 1000) * b.rate);
  b.updatedAt = now;
}

/** Milliseconds until the bucket holds one more whole token (`next`) or is full (`full`); 0 when full. */
function msUntil(b: Bucket, mode: ResetMode): number {
  if (b.tokens >= b.size) return 0;
  const missing = mode === 'full' ? b.size - b.tokens : 1 - (b.tokens - Math.floor(b.tokens));
  return (missing / b.rate) * 1000;
}

/** remaining = whole tokens left; reset = epoch SECONDS (§1.1), now when the bucket is full. */
function headers(b: Bucket, now: number, mode: ResetMode): Record<string, string> {
  return {
    'x-ratelimit-limit': String(b.size),
    'x-ratelimit-remaining': String(Math.max(0, Math.floor(b.tokens))),
    'x-ratelimit-reset': String(Math.ceil((now + msUntil(b, mode)) / 1000)),
  };
}

function refused(limiter: RateLimiter, b: Bucket, now: number): Record<string, string> {
  const h = headers(b, now, limiter.reset);
  if (limiter.retryAfter) h['retry-after'] = String(Math.max(1, Math.ceil(msUntil(b, 'next') / 1000)));
  return h;
}

function groupBucket(limiter: RateLimiter, group: BucketGroup, now: number): Bucket {
  let b = limiter.groups.get(group);
  if (!b) {
    b = fullBucket(BUCKET_GROUPS[group], now);
    limiter.groups.set(group, b);
  }
  return b;
}

/**
 * Takes a token from the global bucket and, for a grouped route, from its group's bucket; refused requests
 * take nothing anywhere. The headers describe the global bucket, which every request draws on, except on a
 * refusal by a group bucket: then they describe that bucket, so `reset` says when the group admits again.
 * (The real headers of endpoint buckets are not recorded.)
 */
export function admit(limiter: RateLimiter, group: BucketGroup | undefined, now: number): Admission {
  const global = limiter.global;
  refill(global, now);
  if (global.tokens < 1) return { allowed: false, headers: refused(limiter, global, now), refusedBy: 'global' };
  if (group) {
    const b = groupBucket(limiter, group, now);
    refill(b, now);
    if (b.tokens < 1) return { allowed: false, headers: refused(limiter, b, now), refusedBy: group };
    b.tokens -= 1;
  }
  global.tokens -= 1;
  return { allowed: true, headers: headers(global, now, limiter.reset) };
}

/** The global bucket's headers without taking a token (answers that were never processed, like faults). */
export function peek(limiter: RateLimiter, now: number, status?: number): Record<string, string> {
  refill(limiter.global, now);
  return status === 429 ? refused(limiter, limiter.global, now) : headers(limiter.global, now, limiter.reset);
}
