import { sleep } from './backoff.js';

/**
 * Client-side pacing from the x-ratelimit-* headers, so we slow down before the API refuses us.
 * The bucket is learned, never hard-coded (plans differ: Free 2/2 s, Enterprise 50/16 s). We keep a
 * headroom of 20% of the burst (as deploy-cli does with "80% of capacity") once the bucket runs low.
 */
export interface Pacer {
  /** Resolves when a request may be sent. */
  acquire(): Promise<void>;
  /** Feed every response's headers back. */
  observe(headers: RateHeaders): void;
  /** The request that acquired a slot has finished (answered or failed). */
  release(): void;
}

export interface RateHeaders {
  limit?: string;
  remaining?: string;
  reset?: string;
}

export function createPacer(now: () => number = Date.now): Pacer {
  let limit = Number.POSITIVE_INFINITY;
  let remaining = Number.POSITIVE_INFINITY;
  let resetAt = 0;
  let inFlight = 0;

  const headroom = () => (Number.isFinite(limit) ? Math.floor(limit * 0.2) : 0);

  return {
    async acquire() {
      for (;;) {
        const t = now();
        if (remaining - inFlight > headroom()) break;
        // After the reset moment tokens have come back: send one probe at a time to learn how many.
        if (t >= resetAt && inFlight === 0) break;
        await sleep(Math.max(25, Math.min(1000, resetAt - t)));
      }
      inFlight += 1;
    },
    observe(headers) {
      const l = Number(headers.limit);
      const r = Number(headers.remaining);
      const reset = Number(headers.reset);
      if (headers.limit && Number.isFinite(l)) limit = l;
      if (headers.remaining && Number.isFinite(r)) remaining = r;
      if (headers.reset && Number.isFinite(reset)) resetAt = reset * 1000;
    },
    release() {
      inFlight = Math.max(0, inFlight - 1);
    },
  };
}
