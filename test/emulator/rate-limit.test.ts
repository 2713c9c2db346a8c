import { afterEach, describe, expect, it } from 'vitest';
import { admit, createRateLimiter, parseRateLimit, peek } from '../../src/emulator/rate-limit.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const T0 = 1_700_000_000_000;

describe('rate limits', () => {
  it('sends the bucket headers and a 429 that consumes no token', async () => {
    emu = await startTestEmulator({ rateLimit: '3/1' });
    await emu.token();
    const first = await emu.api('GET', '/api/v2/clients');
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    const nowSeconds = Date.now() / 1000;
    expect(reset).toBeGreaterThanOrEqual(Math.floor(nowSeconds));
    expect(reset).toBeLessThanOrEqual(Math.ceil(nowSeconds) + 2);

    await emu.api('GET', '/api/v2/clients');
    await emu.api('GET', '/api/v2/clients');
    const limited = await emu.api('GET', '/api/v2/clients');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Global limit has been reached',
      errorCode: 'too_many_requests',
    });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // A refused request takes nothing: after one token's worth of time exactly one request passes again.
    await new Promise((r) => setTimeout(r, 1050));
    expect((await emu.api('GET', '/api/v2/clients')).status).toBe(200);
    expect((await emu.api('GET', '/api/v2/clients')).status).toBe(429);
    const stats = await emu.stats();
    expect(stats.rateLimited).toBe(2);
    // Per route too, so a bench can tell a refused write (nothing changed) from a write.
    expect(stats.rateLimitedByRoute).toEqual({ 'GET /api/v2/clients': 2 });
  });
});

describe('plans and buckets', () => {
  it('knows the published plans', () => {
    expect(parseRateLimit('free')).toEqual({ size: 2, rate: 2 });
    expect(parseRateLimit('dev')).toEqual({ size: 10, rate: 2 });
    expect(parseRateLimit('Enterprise')).toEqual({ size: 50, rate: 16 });
    expect(parseRateLimit('5/0.5')).toEqual({ size: 5, rate: 0.5 });
    expect(() => parseRateLimit('pro')).toThrow('rate limit must be one of free, dev, enterprise or BURST/RPS');
  });

  it('gives signing-key rotation its own 5-per-day bucket behind the global one', () => {
    const limiter = createRateLimiter({ spec: '100/10' }, T0);
    for (let i = 0; i < 5; i += 1) {
      const ok = admit(limiter, 'signing-rotate', T0);
      expect(ok.allowed).toBe(true);
      // Successful answers describe the global bucket, which every request draws on.
      expect(ok.headers['x-ratelimit-limit']).toBe('100');
    }
    const refused = admit(limiter, 'signing-rotate', T0);
    expect(refused).toMatchObject({ allowed: false, refusedBy: 'signing-rotate' });
    expect(refused.headers['x-ratelimit-limit']).toBe('5');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    // One rotation comes back every 86400/5 s.
    expect(Number(refused.headers['x-ratelimit-reset'])).toBe(T0 / 1000 + 17_280);
    // The refused request took nothing from the global bucket, and other endpoints are unaffected.
    expect(peek(limiter, T0)['x-ratelimit-remaining']).toBe('95');
    expect(admit(limiter, undefined, T0).allowed).toBe(true);
    expect(admit(limiter, 'signing-rotate', T0 + 17_280_000).allowed).toBe(true);
  });

  it('announces the next token or, as a variant, the full bucket in x-ratelimit-reset', () => {
    const next = createRateLimiter({ spec: '4/1' }, T0);
    const full = createRateLimiter({ spec: '4/1', reset: 'full' }, T0);
    for (let i = 0; i < 3; i += 1) {
      admit(next, undefined, T0);
      admit(full, undefined, T0);
    }
    expect(peek(next, T0)['x-ratelimit-reset']).toBe(String(T0 / 1000 + 1));
    expect(peek(full, T0)['x-ratelimit-reset']).toBe(String(T0 / 1000 + 3));
  });

  it('sends Retry-After on 429s only when asked to', async () => {
    emu = await startTestEmulator({ rateLimit: '1/0.5', retryAfter: true });
    await emu.token();
    const ok = await emu.api('GET', '/api/v2/clients');
    expect(ok.headers.get('retry-after')).toBeNull();
    const limited = await emu.api('GET', '/api/v2/clients');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    await emu.close();

    emu = await startTestEmulator({ rateLimit: '1/0.5' });
    await emu.token();
    await emu.api('GET', '/api/v2/clients');
    const plain = await emu.api('GET', '/api/v2/clients');
    expect(plain.status).toBe(429);
    expect(plain.headers.get('retry-after')).toBeNull();
  });
});
