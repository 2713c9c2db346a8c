import type { ArmedFault, FaultRule } from '../../src/emulator/faults.js';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import type { Stats } from '../../src/emulator/stats.js';

/** What GET /__emulator/stats answers: the counters (the request log is GET /__emulator/requests). */
type Counters = Omit<Stats, 'requests'>;

export interface ApiResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface TestEmulator extends RunningEmulator {
  /** A Management API token for the deployer (cached until shortly before it expires). */
  token(): Promise<string>;
  /** An authorised JSON call as the deployer. */
  api(method: string, path: string, body?: unknown): Promise<ApiResult>;
  stats(): Promise<Counters>;
  resetStats(): Promise<void>;
  /** Replaces the armed fault rules (src/emulator/faults.ts); `seed` fixes their chances. */
  faults(rules: FaultRule[], options?: { seed?: number }): Promise<void>;
  /** The armed rules with their counters, and the seed. */
  faultState(): Promise<{ seed: number; rules: ArmedFault[] }>;
  clearFaults(): Promise<void>;
  /** Back to the seeded tenant (same deployer credentials). */
  reset(): Promise<void>;
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Starts a quiet emulator on a random port, with helpers for tests. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ quiet: true, ...options });
  let cached: { token: string; expiresAt: number } | undefined;
  let faultsArmed = false;
  const waitsForBucket = () => options.rateLimit === undefined && options.faults === undefined && !faultsArmed;

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const parsed = await parse(res);
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };

  const token = async (): Promise<string> => {
    if (cached && cached.expiresAt > Date.now() + 10_000) return cached.token;
    const res = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
        audience: emu.audience,
      }),
    });
    const body = (await parse(res)) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token)
      throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
    cached = { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 0) * 1000 };
    return cached.token;
  };

  return {
    ...emu,
    token,
    async api(method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${emu.url}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        // A test's own look at the tenant waits for the default bucket like any client would: the CLI's
        // pacer uses the whole bucket, so the call right after an apply may find it empty. Tests about
        // rate limits set `rateLimit` or faults and see every 429.
        if (res.status === 429 && waitsForBucket() && res.headers.get('x-ratelimit-remaining') === '0' && attempt < 5) {
          await res.arrayBuffer();
          const reset = Number(res.headers.get('x-ratelimit-reset')) * 1000 - Date.now();
          await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(reset, 50), 2000)));
          continue;
        }
        return { status: res.status, body: await parse(res), headers: res.headers };
      }
    },
    stats: async () => (await control('GET', '/__emulator/stats')) as Counters,
    resetStats: async () => {
      await control('POST', '/__emulator/stats/reset');
    },
    faults: async (rules, options = {}) => {
      faultsArmed = rules.length > 0;
      await control('POST', '/__emulator/faults', { rules, ...options });
    },
    faultState: async () => (await control('GET', '/__emulator/faults')) as { seed: number; rules: ArmedFault[] },
    clearFaults: async () => {
      faultsArmed = false;
      await control('DELETE', '/__emulator/faults');
    },
    reset: async () => {
      await control('POST', '/__emulator/reset');
    },
  };
}
