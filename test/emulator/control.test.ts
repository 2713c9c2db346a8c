import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('stats', () => {
  it('counts /api/v2 requests by route template and resets', async () => {
    emu = await startTestEmulator();
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'Counted' })).body as { client_id: string };
    await emu.api('GET', `/api/v2/clients/${c.client_id}`);
    await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, { description: 'x' });
    await emu.api('GET', '/api/v2/clients');
    await emu.api('GET', '/api/v2/users/auth0%7C123');
    expect(await emu.stats()).toEqual({
      total: 5,
      rateLimited: 0,
      rateLimitedByRoute: {},
      byRoute: {
        'POST /api/v2/clients': 1,
        'GET /api/v2/clients/{id}': 1,
        'PATCH /api/v2/clients/{id}': 1,
        'GET /api/v2/clients': 1,
        'GET /api/v2/users/{id}': 1,
      },
    });
    await emu.resetStats();
    expect(await emu.stats()).toEqual({ total: 0, byRoute: {}, rateLimited: 0, rateLimitedByRoute: {} });
  });
});

describe('state', () => {
  it('persists across a restart with the same state file and keeps the deployer credentials', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-state-')), 'tenant.json');
    emu = await startTestEmulator({ statePath, clientId: 'deployer', clientSecret: 's3cret' });
    await emu.api('POST', '/api/v2/resource-servers', { identifier: 'https://kept.example' });
    const kept = (await emu.api('POST', '/api/v2/clients', { name: 'Kept' })).body as { client_id: string };
    const firstJwks = await (await fetch(`${emu.url}/.well-known/jwks.json`)).text();
    await emu.close();
    expect(JSON.parse(await readFile(statePath, 'utf8')).version).toBe(1);

    emu = await startTestEmulator({ statePath, clientId: 'deployer', clientSecret: 's3cret' });
    expect((await emu.api('GET', `/api/v2/clients/${kept.client_id}`)).status).toBe(200);
    const apis = (await emu.api('GET', '/api/v2/resource-servers')).body as { identifier: string }[];
    expect(apis.map((a) => a.identifier)).toEqual([emu.audience, 'https://kept.example']);
    expect(await (await fetch(`${emu.url}/.well-known/jwks.json`)).text()).toBe(firstJwks);
    await emu.close();

    // Other credentials against the same file: the deployer is made to match.
    emu = await startTestEmulator({ statePath, clientId: 'other-deployer', clientSecret: 'other' });
    expect((await emu.api('GET', `/api/v2/clients/${kept.client_id}`)).status).toBe(200);
    expect(emu.clientSecret).toBe('other');
  });

  it('generates a deployer secret once and keeps it in the state file', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-state-')), 'tenant.json');
    emu = await startTestEmulator({ statePath });
    const secret = emu.clientSecret;
    expect(emu.clientId).toBe('tenantctl-deployer');
    await emu.close();
    emu = await startTestEmulator({ statePath });
    expect(emu.clientSecret).toBe(secret);
  });

  it('brings back a deleted deployer and its grant on restart', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-state-')), 'tenant.json');
    emu = await startTestEmulator({ statePath, clientId: 'deployer', clientSecret: 's3cret' });
    expect((await emu.api('DELETE', '/api/v2/clients/deployer')).status).toBe(204);
    await emu.close();
    emu = await startTestEmulator({ statePath, clientId: 'deployer', clientSecret: 's3cret' });
    expect((await emu.api('GET', '/api/v2/clients/deployer')).status).toBe(200);
  });

  it('resets to the seeded tenant with the same credentials', async () => {
    emu = await startTestEmulator();
    await emu.api('POST', '/api/v2/clients', { name: 'Temporary' });
    await emu.reset();
    const names = ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(['tenantctl deployer', 'All Applications']);
    const grants = (await emu.api('GET', '/api/v2/client-grants')).body as {
      client_id: string;
      audience: string;
    }[];
    expect(grants).toEqual([expect.objectContaining({ client_id: emu.clientId, audience: emu.audience })]);
  });
});

describe('the request log', () => {
  it('lists recent requests with status, never their bodies, and marks dropped connections', async () => {
    const emu = await startTestEmulator();
    try {
      await emu.api('POST', '/api/v2/clients', { name: 'Logged', description: 'secret-ish body' });
      await emu.api('GET', '/api/v2/clients/nope');
      await emu.faults([{ method: 'GET', path: '/api/v2/resource-servers', nth: 1, status: 'drop' }]);
      await emu.api('GET', '/api/v2/resource-servers').catch(() => undefined);
      const res = await fetch(`${emu.url}/__emulator/requests`);
      const { requests } = (await res.json()) as { requests: { method: string; path: string; status: number | string }[] };
      const api = requests.filter((r) => r.path.startsWith('/api/v2/'));
      expect(api.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /api/v2/clients 201',
        'GET /api/v2/clients/nope 404',
        'GET /api/v2/resource-servers dropped',
      ]);
      expect(requests.some((r) => r.path === '/oauth/token')).toBe(true);
      expect(JSON.stringify(requests)).not.toContain('secret-ish body');
      const stats = await emu.stats();
      expect(Object.keys(stats)).toEqual(['total', 'byRoute', 'rateLimited', 'rateLimitedByRoute']);
    } finally {
      await emu.close();
    }
  });
});
