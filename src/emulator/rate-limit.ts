/**
 * The tenant's global Management API bucket: a continuous token bucket (mgmt-api.md §1.4). `size` is the
 * burst (what `x-ratelimit-limit` shows: 50 on Enterprise production) and `rate` the sustained refill per
 * second (16). A request that finds less than one token is refused and consumes nothing.
 */
export interface Bucket {
  size: number;
  rate: number;
  tokens: number;
  updatedAt: number;
}

export interface RateLimitResult {
  allowed: boolean;
  headers: Record<string, string>;
}

export const DEFAULT_RATE_LIMIT = '50/16';

export function parseRateLimit(spec: string): { size: number; rate: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(spec);
  const size = Number(m?.[1]);
  const rate = Number(m?.[2]);
  if (!m || !(size >= 1) || !(rate > 0)) {
    throw new Error(`rate limit must look like BURST/RPS (e.g. 50/16), got "${spec}"`);
  }
  return { size: Math.floor(size), rate };
}

export function createBucket(spec: string, now: number): Bucket {
  const { size, rate } = parseRateLimit(spec);
  return { size, rate, tokens: size, updatedAt: now };
}

function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.size, b.tokens + ((now - b.updatedAt) / 1000) * b.rate);
  b.updatedAt = now;
}

/**
 * Headers after the decision: remaining = whole tokens left; reset = epoch SECONDS when the next whole
 * token arrives (the documented meaning; now when the bucket is full).
 */
function headers(b: Bucket, now: number): Record<string, string> {
  const missing = b.tokens >= b.size ? 0 : 1 - (b.tokens - Math.floor(b.tokens));
  const reset = Math.ceil((now + (missing / b.rate) * 1000) / 1000);
  return {
    'x-ratelimit-limit': String(b.size),
    'x-ratelimit-remaining': String(Math.max(0, Math.floor(b.tokens))),
    'x-ratelimit-reset': String(reset),
  };
}

export function take(b: Bucket, now: number): RateLimitResult {
  refill(b, now);
  if (b.tokens < 1) return { allowed: false, headers: headers(b, now) };
  b.tokens -= 1;
  return { allowed: true, headers: headers(b, now) };
}

/** The current headers without taking a token (for answers that were never processed, like faults). */
export function peek(b: Bucket, now: number): Record<string, string> {
  refill(b, now);
  return headers(b, now);
}
