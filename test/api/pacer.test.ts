import { afterEach, describe, expect, it } from 'vitest';
import { type ApiClient, createApiClient } from '../../src/api/client.js';
import { parseDomain } from '../../src/api/domain.js';
import { createTokenProvider } from '../../src/api/token.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator | undefined;
let api: ApiClient | undefined;
afterEach(async () => {
  await api?.close();
  await emu?.close();
  api = undefined;
  emu = undefined;
});

async function setup(options: EmulatorOptions): Promise<{ emu: TestEmulator; api: ApiClient }> {
  emu = await startTestEmulator(options);
  const endpoint = parseDomain(emu.url);
  const { clientId, clientSecret } = emu;
  api = createApiClient({ endpoint, tokens: createTokenProvider(endpoint, { kind: 'secret', clientId, clientSecret }) });
  return { emu, api };
}

/**
 * Callers (two seconds' worth of the rate) each asking for one list page after another for `ms`, as an
 * apply's phase asks for many requests at once. Then, from the emulator's own counters and log: how many
 * requests it refused, how many it served, and how many a perfect client could have had served between
 * the first and the last one (burst + rate x span).
 */
async function load(e: TestEmulator, client: ApiClient, burst: number, rate: number, ms: number) {
  const end = Date.now() + ms;
  const worker = async () => {
    while (Date.now() < end) await client.request({ method: 'GET', path: '/resource-servers', query: { per_page: 1 } });
  };
  await Promise.all(Array.from({ length: Math.max(10, 2 * rate) }, worker));
  const stats = await e.stats();
  const log = await (await fetch(`${e.url}/__emulator/requests`)).json() as { requests: { at: string; status: number }[] };
  const served = log.requests.filter((r) => r.status !== 429);
  const span = (Date.parse(served.at(-1)?.at ?? '') - Date.parse(served[0]?.at ?? '')) / 1000;
  return { total: stats.total, refused: stats.rateLimited, served: served.length, possible: burst + rate * span };
}

describe('the pacer against the emulator', () => {
  it('opens a run on a 2/2 bucket without a single 429 and keeps to its rate', async () => {
    const { emu: e, api: client } = await setup({ rateLimit: '2/2' });
    const run = await load(e, client, 2, 2, 5000);
    expect(run.refused).toBe(0);
    expect(run.served).toBeGreaterThanOrEqual(0.8 * run.possible);
  }, 30_000);

  it.each([
    ['10/20', {}],
    ['10/20 with Retry-After and a reset that means "full"', { retryAfter: true, rateLimitReset: 'full' as const }],
  ])('uses a %s bucket with at most 1%% refused', async (_name: string, extra: EmulatorOptions) => {
    const { emu: e, api: client } = await setup({ rateLimit: '10/20', ...extra });
    // Ten seconds: enough requests (over 200) that a refusal or two, when a loaded CI machine stalls the
    // event loop past a refill, stays under 1% (at five seconds, 3 of ~110 once failed a full run).
    const run = await load(e, client, 10, 20, 10_000);
    expect(run.refused).toBeLessThanOrEqual(Math.ceil(run.total * 0.01));
    expect(run.served).toBeGreaterThanOrEqual(0.7 * run.possible);
  }, 30_000);

  it('refuses only a few percent on a 50/100 bucket', async () => {
    // No throughput bound here: at 100 a second the shared test machine's CPU, not the pacer, sets it.
    // The same CPU starvation delays answers the bucket model learns from, so this test allows 3%; the 1%
    // target is bench:scale's and bench:rate-limit's, measured on an idle machine.
    const { emu: e, api: client } = await setup({ rateLimit: '50/100' });
    const run = await load(e, client, 50, 100, 3000);
    expect(run.refused).toBeLessThanOrEqual(Math.ceil(run.total * 0.03));
  }, 30_000);

  it('keeps enough requests in flight for the rate when every answer takes 300 ms', async () => {
    const { emu: e, api: client } = await setup({ rateLimit: '10/20' });
    await e.faults([{ latencyMs: 300, probability: 1 }]);
    const run = await load(e, client, 10, 20, 4000);
    expect(run.refused).toBeLessThanOrEqual(Math.ceil(run.total * 0.01));
    // 20 a second at 300 ms each needs 6 in flight: the old pacer's 4 served at most ~13 a second.
    expect(run.served).toBeGreaterThanOrEqual(0.75 * run.possible);
  }, 30_000);

  it('waits for an endpoint bucket without holding up other requests, and gives up on a 5-a-day one', async () => {
    const { emu: e, api: client } = await setup({ rateLimit: '50/100' });
    await client.request({ method: 'GET', path: '/clients' });
    for (let i = 0; i < 5; i += 1) await client.request({ method: 'POST', path: '/keys/signing/rotate' });
    const sixth = client.request({ method: 'POST', path: '/keys/signing/rotate' });
    await expect(sixth).rejects.toThrow(/POST \/keys\/signing\/rotate is rate limited by its own bucket until/);
    const seventh = client.request({ method: 'POST', path: '/keys/signing/rotate' });
    await expect(seventh).rejects.toThrow(/rate limited by its own bucket/);
    const reads = await Promise.all(Array.from({ length: 20 }, () => client.request({ method: 'GET', path: '/clients' })));
    expect(reads.every((r) => r.status === 200)).toBe(true);
    const stats = await e.stats();
    // One refusal taught the pacer the bucket: the seventh rotation was never sent.
    expect(stats.byRoute['POST /api/v2/keys/signing/rotate']).toBe(6);
    expect(stats.byRoute['GET /api/v2/clients']).toBe(21);
    expect(stats.rateLimited).toBe(1);
  }, 30_000);
});
