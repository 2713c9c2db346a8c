/**
 * Our picture of one of the API's token buckets (mgmt-api.md §1.4: a continuous bucket of `limit` tokens,
 * refilled at a sustained rate; a refused request takes nothing). The answers tell the bucket size
 * (`x-ratelimit-limit`) and the whole tokens left when the server handled that request
 * (`x-ratelimit-remaining`), never the refill rate: we learn a lower bound of it from successive answers.
 * Every number errs on the safe side, so trusting the model costs no 429s.
 */

/** One answered request of this bucket. Times are ours (ms); the server handled it between sentAt and sentAt + ms. */
interface Observation {
  seq: number;
  sentAt: number;
  ms: number;
  remaining: number;
}

/** How far back the refill rate is measured: several spans, so one idle stretch (a full bucket) cannot hide it. */
const SPANS_MS = [500, 1000, 2000, 4000, 8000, 16_000, 32_000];
const KEEP_MS = 40_000;
const HEADERLESS_IN_FLIGHT = 4;

export class BucketModel {
  /** Burst size; unknown until the first answer. */
  limit: number | undefined;
  /** Tokens per ms that the server adds at least (0 = not yet known). */
  rate = 0;
  /** Requests sent that drew on this bucket; each gets the next sequence number. */
  private sent = 0;
  private readonly inFlight = new Map<number, number>();
  /** Sequence numbers that the server did not take a token for (429s, failures before processing). */
  private readonly untaken: number[] = [];
  private readonly seen: Observation[] = [];
  /** The answer to the most recently sent request answered so far. */
  private last: Observation | undefined;
  /** `x-ratelimit-reset` of the last answer (ms): by then at least one token is back, whatever it means (§1.1). */
  private resetAt = 0;
  /** Set by `Retry-After` on a 429: nothing is sent before. */
  private blockedUntil = 0;
  private answered = false;

  /** Whole tokens we may spend now, counting every request still in flight as spent. */
  available(now: number): number {
    if (now < this.blockedUntil) return 0;
    // Before the first answer one request probes; answers without headers (no rate-limit policy on that
    // endpoint) leave a few in flight, as a client that knows nothing of the bucket would.
    if (!this.last || this.limit === undefined) return (this.answered ? HEADERLESS_IN_FLIGHT : 1) - this.inFlight.size;
    // The server handled `last` before its answer came back, and handles a request sent now after now: at
    // least the refill since that answer is there (a busy server's queue only adds to it).
    const since = this.last.sentAt + this.last.ms;
    const tokens = Math.min(this.limit, this.last.remaining + this.rate * Math.max(0, now - since));
    const left = Math.floor(tokens) - this.inFlight.size;
    // With no rate known yet, the reset moment is the one promise of a new token: one probe then.
    if (left < 1 && this.rate === 0 && now >= this.resetAt && this.inFlight.size === 0) return 1;
    return left;
  }

  /** When `available` may reach 1 with no answer arriving (ms), or undefined: only an answer can help. */
  wakeAt(now: number): number | undefined {
    if (now < this.blockedUntil) return this.blockedUntil;
    if (!this.last || this.limit === undefined) return undefined;
    const need = 1 + this.inFlight.size;
    if (this.rate > 0 && need <= this.limit)
      return this.last.sentAt + this.last.ms + (need - this.last.remaining) / this.rate;
    return this.inFlight.size === 0 ? Math.max(now, this.resetAt) : undefined;
  }

  /** Takes a slot for a request being sent now; returns its sequence number. */
  take(now: number): number {
    this.sent += 1;
    this.inFlight.set(this.sent, now);
    return this.sent;
  }

  /**
   * The request `seq` is over. `taken` says whether the server spent a token on it (false for 429s and for
   * failures that never reached it; unknown counts as false, which keeps the rate a lower bound).
   * `remaining`/`reset` are given when this answer's headers describe this bucket.
   */
  settle(seq: number, now: number, answer: { taken: boolean; limit?: number; remaining?: number; resetAt?: number }): void {
    const sentAt = this.inFlight.get(seq) ?? now;
    this.inFlight.delete(seq);
    this.answered ||= answer.taken;
    if (!answer.taken) this.untaken.push(seq);
    if (answer.limit === undefined || answer.remaining === undefined) return;
    this.limit = answer.limit;
    const obs = { seq, sentAt, ms: now - sentAt, remaining: answer.remaining };
    if (!this.last || seq > this.last.seq) {
      this.last = obs;
      if (answer.resetAt !== undefined) this.resetAt = answer.resetAt;
    }
    // Answers arrive nearly in sending order: insert from the end.
    let at = this.seen.length;
    while (at > 0 && (this.seen[at - 1]?.seq ?? 0) > seq) at -= 1;
    this.seen.splice(at, 0, obs);
    while ((this.seen[0]?.sentAt ?? now) < now - KEEP_MS) this.seen.shift();
    while ((this.untaken[0] ?? Number.POSITIVE_INFINITY) < (this.seen[0]?.seq ?? 0)) this.untaken.shift();
    this.learnRate(obs);
  }

  /**
   * A 429 from this bucket: the model was too hopeful (answers overtook each other, or the rate was
   * shared with another client). Start measuring again from here, a little slower.
   */
  refused(now: number, retryAfterMs: number | undefined): void {
    this.rate *= 0.9;
    const keep = this.last;
    this.seen.length = 0;
    if (keep) this.seen.push(keep);
    if (retryAfterMs !== undefined) this.blockedUntil = now + retryAfterMs;
  }

  /**
   * Between two answers i < k the server added (tokens after k) - (tokens after i) + (tokens taken in
   * between), over the time between handling them. `remaining` is whole tokens (the real count is below
   * remaining + 1), so the count is a lower bound, and a bucket that was full for a while only lowers it
   * further. Only pairs with every request between them answered count, so no token taken is guessed.
   */
  private learnRate(k: Observation): void {
    const oldest = this.inFlight.keys().next();
    if (!oldest.done && oldest.value < k.seq) return;
    let best = this.rate;
    for (const span of SPANS_MS) {
      const i = this.before(k.sentAt - span);
      if (!i || i.seq >= k.seq) continue;
      const untaken = this.untaken.filter((s) => s > i.seq && s <= k.seq).length;
      const added = k.remaining - (i.remaining + 1) + (k.seq - i.seq - untaken);
      // Handling times are taken at the middle of each round trip; a span of four round trips or more
      // keeps an uneven split of the trip small against it.
      const time = k.sentAt + k.ms / 2 - (i.sentAt + i.ms / 2);
      if (added > 0 && time >= 4 * Math.max(i.ms, k.ms)) best = Math.max(best, added / time);
    }
    this.rate = best;
  }

  /** The latest observation sent at or before `t` (observations are in sending order). */
  private before(t: number): Observation | undefined {
    let lo = 0;
    let hi = this.seen.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.seen[mid]?.sentAt ?? 0) <= t) lo = mid + 1;
      else hi = mid;
    }
    return this.seen[lo - 1];
  }
}
