import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { arm, type FaultRule, nextFault, noFaults, parseFaultSpec } from '../../src/emulator/faults.js';
import { loadState } from '../../src/emulator/state.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

/** The outcomes the rules give `count` requests in a row, '-' where none fires. */
function outcomes(rules: FaultRule[], seed: number, requests: [string, string][]): string[] {
  const faults = noFaults(seed);
  faults.armed = arm(rules);
  return requests.map(([method, path]) => String(nextFault(faults, method, path)?.outcome?.status ?? '-'));
}

const gets = (count: number): [string, string][] => Array.from({ length: count }, () => ['GET', '/api/v2/clients']);

describe('fault specs', () => {
  it('reads compact rules', () => {
    expect(
      parseFaultSpec('POST /api/v2/clients drop after; 500 5%; latency=200ms p=1; PATCH /api/v2/clients/* 503 nth=2 times=3'),
    ).toEqual([
      { method: 'POST', path: '/api/v2/clients', status: 'drop', when: 'after' },
      { path: '/api/v2/*', status: 500, probability: 0.05 },
      { path: '/api/v2/*', latencyMs: 200, probability: 1 },
      { method: 'PATCH', path: '/api/v2/clients/*', status: 503, nth: 2, times: 3 },
    ]);
  });

  it('reads JSON rules', () => {
    expect(parseFaultSpec('[{"path":"/oauth/token","status":429}]')).toEqual([{ path: '/oauth/token', status: 429 }]);
    expect(parseFaultSpec('{"rules":[{"status":"drop"}]}')).toEqual([{ path: '/api/v2/*', status: 'drop' }]);
  });

  it('says what it cannot read', () => {
    expect(() => parseFaultSpec('POST boom')).toThrow('fault "POST boom": cannot read "boom"');
    expect(() => parseFaultSpec('/api/v2/clients')).toThrow('give a status, "drop" or latencyMs');
    expect(() => parseFaultSpec('429 after')).toThrow('a 429 means "not processed"');
    expect(() => parseFaultSpec('500 p=2')).toThrow('probability must be a number in (0, 1]');
    expect(() => parseFaultSpec('[{"status":500,"probabilty":0.5}]')).toThrow('unknown field probabilty');
  });
});

describe('fault decisions', () => {
  it('fire on the nth match, `times` times', () => {
    expect(outcomes([{ status: 503, nth: 2, times: 3 }], 1, gets(6))).toEqual(['-', '503', '503', '503', '-', '-']);
  });

  it('replay the same chances for the same seed, whatever other requests come between', () => {
    const rules: FaultRule[] = [{ method: 'GET', path: '/api/v2/clients', status: 500, probability: 0.3 }];
    const first = outcomes(rules, 42, gets(200));
    expect(first.filter((o) => o === '500').length).toBeGreaterThan(30);
    expect(first.filter((o) => o === '500').length).toBeLessThan(90);
    const interleaved = outcomes(
      rules,
      42,
      gets(200).flatMap((r): [string, string][] => [r, ['POST', '/api/v2/clients']]),
    ).filter((_, i) => i % 2 === 0);
    expect(interleaved).toEqual(first);
    expect(outcomes(rules, 43, gets(200))).not.toEqual(first);
  });

  it('give one outcome per request and add up delays; a rule that lost waits for its next match', () => {
    const faults = noFaults(0);
    faults.armed = arm([
      { status: 500 },
      { status: 'drop', when: 'after' },
      { latencyMs: 50, probability: 1 },
      { latencyMs: 20, when: 'after', probability: 1 },
    ]);
    expect(nextFault(faults, 'GET', '/api/v2/clients')).toEqual({
      delayMs: { before: 50, after: 20 },
      outcome: { when: 'before', status: 500 },
    });
    expect(nextFault(faults, 'GET', '/api/v2/clients')?.outcome).toEqual({ when: 'after', status: 'drop' });
    expect(nextFault(faults, 'GET', '/api/v2/clients')?.outcome).toBeUndefined();
    expect(faults.armed.map((f) => [f.seen, f.fired])).toEqual([
      [3, 1],
      [3, 1],
      [3, 3],
      [3, 3],
    ]);
  });
});

async function rawPost(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('one-shot faults', () => {
  it('fires a status rule once, on the nth match, before the request is processed', async () => {
    emu = await startTestEmulator();
    await emu.faults([{ method: 'POST', path: '/api/v2/clients', nth: 2, status: 500 }]);
    expect((await emu.api('POST', '/api/v2/clients', { name: 'one' })).status).toBe(201);
    const failed = await emu.api('POST', '/api/v2/clients', { name: 'two' });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    expect((await emu.api('POST', '/api/v2/clients', { name: 'three' })).status).toBe(201);
    const names = ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).map((c) => c.name);
    expect(names).toContain('one');
    expect(names).not.toContain('two');
    expect(names).toContain('three');
  });

  it('matches path prefixes and can drop the connection', async () => {
    emu = await startTestEmulator();
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'target' })).body as { client_id: string };
    await emu.faults([
      { method: 'PATCH', path: '/api/v2/clients/*', status: 'drop' },
      { path: '/api/v2/resource-servers*', status: 503 },
    ]);
    await expect(
      emu.api('PATCH', `/api/v2/clients/${c.client_id}`, { description: 'lost' }),
    ).rejects.toThrow();
    const after = (await emu.api('GET', `/api/v2/clients/${c.client_id}`)).body as { description?: string };
    expect(after.description).toBeUndefined();
    expect((await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, { description: 'kept' })).status).toBe(
      200,
    );
    expect((await emu.api('GET', '/api/v2/resource-servers')).status).toBe(503);
    expect((await emu.api('GET', '/api/v2/resource-servers')).status).toBe(200);
  });

  it('clears rules and rejects malformed ones', async () => {
    emu = await startTestEmulator();
    await emu.faults([{ path: '/api/v2/clients', status: 500 }]);
    await emu.clearFaults();
    expect((await emu.api('GET', '/api/v2/clients')).status).toBe(200);
    const bad = await fetch(`${emu.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ path: 'clients', status: 'boom' }] }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('faults in the emulator', () => {
  it('drops the connection after the change is committed and persisted', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-faults-')), 'tenant.json');
    emu = await startTestEmulator({ statePath, faults: 'POST /api/v2/clients drop after' });
    const token = await emu.token();
    await expect(rawPost(`${emu.url}/api/v2/clients`, token, { name: 'Landed' })).rejects.toThrow();
    const names = ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).map((c) => c.name);
    expect(names).toContain('Landed');
    // On disk as a restart would read it (snapshot + journal), before any clean stop.
    expect((await loadState(statePath))?.collections.clients.map((c) => c.data.name)).toContain('Landed');
  });

  it('answers an error after a committed change', async () => {
    emu = await startTestEmulator();
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'Target' })).body as { client_id: string };
    await emu.faults([{ method: 'PATCH', path: '/api/v2/clients/*', status: 500, when: 'after' }]);
    const res = await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, { description: 'saved anyway' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An internal server error occurred',
    });
    expect(res.headers.get('x-ratelimit-limit')).toBe('50');
    const after = (await emu.api('GET', `/api/v2/clients/${c.client_id}`)).body as { description?: string };
    expect(after.description).toBe('saved anyway');
  });

  it('delays answers', async () => {
    emu = await startTestEmulator({ faults: [{ path: '/api/v2/resource-servers', latencyMs: 300, probability: 1 }] });
    await emu.token();
    const started = Date.now();
    expect((await emu.api('GET', '/api/v2/resource-servers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('faults the token endpoint in the OAuth error shape', async () => {
    emu = await startTestEmulator({ faults: '/oauth/token 429' });
    await expect(emu.token()).rejects.toThrow(
      'token request failed: 429 {"error":"too_many_requests","error_description":"Injected fault"}',
    );
    expect(await emu.token()).toMatch(/^ey/);
  });

  it('fault the same requests again for the same seed, and report seed and counters', async () => {
    const run = async (seed: number) => {
      emu = await startTestEmulator({ faults: 'GET /api/v2/clients 503 p=0.5', seed });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push((await emu.api('GET', '/api/v2/clients')).status);
      const state = await emu.faultState();
      await emu.close();
      emu = undefined;
      return { statuses, state };
    };
    const first = await run(7);
    expect(first.statuses).toContain(503);
    expect(first.statuses).toContain(200);
    expect((await run(7)).statuses).toEqual(first.statuses);
    expect(first.state.seed).toBe(7);
    expect(first.state.rules).toEqual([
      {
        rule: { method: 'GET', path: '/api/v2/clients', status: 503, probability: 0.5 },
        seen: 16,
        fired: first.statuses.filter((s) => s === 503).length,
      },
    ]);
  });

  it('re-arms with a seed through the control endpoint', async () => {
    emu = await startTestEmulator();
    const rules: FaultRule[] = [{ method: 'GET', path: '/api/v2/clients', status: 500, probability: 0.5 }];
    const statuses = async () => {
      await emu?.faults(rules, { seed: 99 });
      const got: number[] = [];
      for (let i = 0; i < 12; i += 1) got.push((await emu?.api('GET', '/api/v2/clients'))?.status ?? 0);
      return got;
    };
    expect(await statuses()).toEqual(await statuses());
    expect((await emu.faultState()).seed).toBe(99);
  });
});
