import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  dir = await writeTenant({
    'environments/test.yaml': 'keywords: {}\n',
    'tenant.yaml': `
resourceServers:
  - identifier: https://api.example/
    name: Example API
clients:
  - name: Web
    app_type: regular_web
  - name: Worker
    app_type: non_interactive
clientGrants:
  - client: Worker
    audience: https://api.example/
    scope: []
connections:
  - name: Username-Password-Authentication
    strategy: auth0
  - name: shop
    strategy: auth0
    enabled_clients: [Web]
`,
  });
});
afterAll(() => emu.close());

const GRANT = 'clientGrants/Worker -> https://api.example/';

async function live() {
  const get = async (path: string) => (await emu.api('GET', path)).body as Record<string, unknown>[];
  return {
    clients: (await get('/api/v2/clients?is_global=false')).map((c) => c.name),
    apis: (await get('/api/v2/resource-servers')).map((r) => r.identifier),
    connections: (await get('/api/v2/connections')).map((c) => c.name),
  };
}

describe('--target and per-kind counts, from the command line', () => {
  it('plan prints per kind how many objects are managed, unmanaged and skipped', async () => {
    await emu.api('POST', '/api/v2/connections', { name: 'legacy', strategy: 'auth0' });
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.code).toBe(0);
    // `legacy` exists but is not declared: unmanaged, and left alone without --allow-delete.
    expect(plan.stdout).toContain(
      'Managed: resourceServers 1, clients 2, clientGrants 1, connections 2 (1 unmanaged)',
    );
    const json = await tenantctl(['plan', dir, '--env', 'test', '--output', 'json'], { env });
    expect(JSON.parse(json.stdout).counts.connections).toEqual({ managed: 2, unmanaged: 1, skipped: 1 });

    // Declaring the client tenantctl logs in as does not make it managed: it is skipped, and counted so.
    const own = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients:\n  - name: tenantctl deployer\n',
    });
    const skipped = await tenantctl(['plan', own, '--env', 'test'], { env });
    expect(skipped.stdout).toContain('Managed: clients 1 (1 skipped)');
    expect(skipped.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('a targeted apply creates the named connection and the client it enables, nothing else', async () => {
    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--target', 'connections/shop'], {
      env,
    });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('+ connections/shop');
    expect(apply.stdout).toContain('+ clients/Web');
    expect(apply.stdout).toContain(`Left out by --target (3): resourceServers/https://api.example/, clients/Worker, ${GRANT}`);
    expect(apply.stdout).toContain('Apply complete: 2 added, 0 changed, 0 destroyed.');
    const now = await live();
    expect(now.clients).not.toContain('Worker');
    expect(now.apis).not.toContain('https://api.example/');
    expect(now.connections).toContain('shop');
  });

  it('a targeted grant brings along the API and the client it needs', async () => {
    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--target', GRANT], { env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed.');
    const now = await live();
    expect(now.clients).toContain('Worker');
    expect(now.apis).toContain('https://api.example/');
  });

  it('a target on a whole kind, then the untargeted plan, converge', async () => {
    const rest = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    // Worker was created by a targeted run: the tenant flag enabled it on shop, which declares only Web.
    expect(rest.stdout).toContain('~ connections/shop');
    expect(rest.stdout).toContain('enabled_clients:\n        - clients/Worker');
    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--target', 'connections'], {
      env,
    });
    expect(apply.code).toBe(0);
    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(again.code).toBe(0);
  });

  it('leaves out the notes of a kind whose changes --target left out', async () => {
    const withUsers = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients:\n  - { name: Solo, app_type: spa }\nusers:\n  - { email: solo@example.com, connection: Username-Password-Authentication }\n',
    });
    const all = await tenantctl(['plan', withUsers, '--env', 'test'], { env });
    expect(all.stdout + all.stderr).toMatch(/users: 1 to create/);
    const targeted = await tenantctl(['plan', withUsers, '--env', 'test', '--target', 'clients/Solo'], { env });
    expect(targeted.code, targeted.stdout + targeted.stderr).toBe(0);
    expect(targeted.stdout).toContain('clients/Solo');
    expect(targeted.stdout + targeted.stderr).not.toMatch(/users: 1 to create/);
  });
});


describe('a --target whose kind is wrong', () => {
  // The tenant is unreachable: the manifests alone show the mistake, so it is reported without reading.
  const unreachable = () => ({ ...env, AUTH0_DOMAIN: 'tenantctl-test.invalid' });

  it('is reported before the tenant is read, with the kind meant', async () => {
    const res = await tenantctl(['plan', dir, '--env', 'test', '--target', 'client/Web'], { env: unreachable() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Error: --target 'client/Web': unknown kind 'client' (did you mean clients/Web?)");
    expect(res.stderr).not.toContain('tenantctl-test.invalid');
  });

  it('names a kind the manifests do not manage before the tenant is read', async () => {
    const res = await tenantctl(['plan', dir, '--env', 'test', '--target', 'roles'], { env: unreachable() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Error: --target 'roles': the manifests do not manage roles");
  });
});
