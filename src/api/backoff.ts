/** Capped exponential backoff with full jitter in [50%, 100%] of the step, so parallel retries spread out. */
export function backoffMs(
  attempt: number,
  options: { baseMs?: number; capMs?: number; random?: () => number } = {},
): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 8000;
  const random = options.random ?? Math.random;
  const step = Math.min(cap, base * 2 ** attempt);
  return Math.round(step * (0.5 + random() * 0.5));
}

/**
 * How long to wait after a 429. Retry-After (seconds or HTTP date) wins when present; otherwise the
 * x-ratelimit-reset epoch second, treated as an upper bound (the docs and node-auth0 disagree on whether
 * it is "next token" or "bucket full"), plus up to 20% jitter; at least 250 ms, at most 60 s.
 */
export function rateLimitWaitMs(
  headers: { retryAfter?: string; reset?: string },
  now = Date.now(),
  random = Math.random,
): number {
  const clamp = (ms: number) => Math.min(60_000, Math.max(250, ms));
  if (headers.retryAfter) {
    const seconds = Number(headers.retryAfter);
    if (Number.isFinite(seconds)) return clamp(seconds * 1000);
    const date = Date.parse(headers.retryAfter);
    if (Number.isFinite(date)) return clamp(date - now);
  }
  const reset = Number(headers.reset);
  if (headers.reset && Number.isFinite(reset)) return clamp((reset * 1000 - now) * (1 + random() * 0.2));
  return 1000;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
