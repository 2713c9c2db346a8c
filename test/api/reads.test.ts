import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());

const CLIENTS = 250;
const CONNECTIONS = 3;

function manifests(): Record<string, string> {
  const clients = ['clients:'];
  for (let i = 0; i < CLIENTS; i++) clients.push(`  - { name: Client ${i}, app_type: non_interactive }`);
  const names = Array.from({ length: CLIENTS }, (_, i) => `Client ${i}`).join(', ');
  const connections = ['connections:'];
  for (let i = 0; i < CONNECTIONS; i++) connections.push(`  - { name: db-${i}, strategy: auth0, enabled_clients: [${names}] }`);
  return {
    'clients.yaml': `${clients.join('\n')}\n`,
    'connections.yaml': `${connections.join('\n')}\n`,
    'environments/test.yaml': 'keywords: {}\n',
  };
}

/** Requests per route since the last reset, and GETs per kind (the first path segment after /api/v2). */
async function routes(): Promise<{ byRoute: Record<string, number>; reads: Record<string, number> }> {
  const { byRoute } = await emu.stats();
  const reads: Record<string, number> = {};
  for (const [route, n] of Object.entries(byRoute)) {
    if (!route.startsWith('GET /api/v2/')) continue;
    const kind = route.slice('GET /api/v2/'.length).split('/')[0] ?? '';
    reads[kind] = (reads[kind] ?? 0) + n;
  }
  return { byRoute, reads };
}

describe('requests a plan and an apply send', () => {
  it('creates each connection with its enabled clients in one POST, and reads them back one request per connection', async () => {
    const dir = await writeTenant(manifests());
    const env = emulatorEnv(emu);
    await emu.resetStats();
    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const applied = await routes();
    expect(applied.byRoute['POST /api/v2/connections']).toBe(CONNECTIONS);
    // No PATCH of /connections/{id}/clients after each create: the writes are exactly the changes.
    expect(applied.byRoute['PATCH /api/v2/connections/{id}/clients']).toBeUndefined();
    const writes = Object.entries(applied.byRoute)
      .filter(([route]) => !route.startsWith('GET ') && !route.includes('/__'))
      .reduce((n, [, c]) => n + c, 0);
    const lock = 2;
    expect(writes).toBe(CLIENTS + CONNECTIONS + lock);

    await emu.resetStats();
    const plan = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(plan.stdout).toContain('No changes.');
    const { reads } = await routes();
    // One list page of connections, then each connection's 250 enabled clients in one page of up to 1000
    // (the tenant's own database connection is one more): 100 a page took three requests per connection.
    expect(reads.connections).toBe(1 + CONNECTIONS + 1);
    // Three pages of 100 clients (no client here has credentials to read).
    expect(reads.clients).toBe(Math.ceil(CLIENTS / 100));
  }, 120_000);

  it('reads only connections and roles by name when only users are managed', async () => {
    const dir = await writeTenant({
      'users.yaml': 'users:\n  - { connection: db-0, email: ada@example.com, given_name: Ada }\n',
      'environments/test.yaml': 'keywords: {}\n',
    });
    await emu.resetStats();
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env: emulatorEnv(emu) });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('1 to add');
    const { byRoute } = await routes();
    // Users name their connection and their roles: no clients, APIs, tenant settings or enabled clients
    // are read for them, and a tenant without roles costs one roles list.
    expect(Object.keys(byRoute).sort()).toEqual(['GET /api/v2/connections', 'GET /api/v2/roles', 'GET /api/v2/users']);
    expect(byRoute['GET /api/v2/connections']).toBe(1);
    expect(byRoute['GET /api/v2/roles']).toBe(1);
  }, 60_000);
});
