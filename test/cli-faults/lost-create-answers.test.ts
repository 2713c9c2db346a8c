import { afterEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * Creates that take more than one call (a connection and then its enabled clients, a client and then its
 * declared secret, a role and then its permissions) when an answer is lost on the way. apply looks the
 * object up by its key and finds it: it must not then report the whole create as done when only its first
 * call happened. Either the object is finished, or the change is reported failed and apply exits 1; an
 * apply that exits 0 leaves nothing for a re-plan to change.
 */
let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const app = (name: string) => `  - { name: ${name}, app_type: non_interactive, grant_types: [client_credentials] }`;

async function plan(dir: string, env: Record<string, string>) {
  return tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
}

async function applyTwice(dir: string, env: Record<string, string>) {
  const first = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
  // What the first apply reports must be true: exit 0 only when nothing is left to do.
  const between = await plan(dir, env);
  const second = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
  return { first, between, second };
}

describe('apply when the answer to a multi-call create is lost', () => {
  it('adopts a connection whose create answer was lost, with its clients enabled by that one call', async () => {
    // POST /connections carries enabled_clients, so the create is one call: the connection found after a
    // lost answer is complete and counts as created, once.
    emu = await startTestEmulator({ faults: 'POST /api/v2/connections drop after' });
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': [
        'clients:',
        app('Shop'),
        app('Admin'),
        'connections:',
        '  - { name: shop-users, strategy: auth0, enabled_clients: [Shop, Admin] }',
        '',
      ].join('\n'),
    });

    const { first, between, second } = await applyTwice(dir, env);
    expect((await emu.faultState()).rules[0]?.fired).toBe(1);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Apply complete');
    expect(between.code).toBe(0);
    expect(second.code).toBe(0);
    expect((await plan(dir, env)).code).toBe(0);
    const conns = (await emu.api('GET', '/api/v2/connections?name=shop-users')).body as { id: string }[];
    expect(conns).toHaveLength(1);
    const enabled = (await emu.api('GET', `/api/v2/connections/${conns[0]?.id}/clients`)).body as { clients: unknown[] };
    expect(enabled.clients).toHaveLength(2);
  });

  it('does not report a role as created when the call adding its permissions never landed', async () => {
    // The role's POST goes through; the POST of its permissions is dropped before the tenant sees it.
    emu = await startTestEmulator({ faults: 'POST /api/v2/roles/* drop' });
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': [
        'resourceServers:',
        '  - { name: Orders API, identifier: https://orders.example, scopes: [{ value: read:orders }] }',
        'roles:',
        '  - { name: Reader, permissions: [{ api: https://orders.example, scopes: [read:orders] }] }',
        '',
      ].join('\n'),
    });

    const { first, between, second } = await applyTwice(dir, env);
    expect((await emu.faultState()).rules[0]?.fired).toBe(1);
    expect(first.code).toBe(1);
    expect(between.code).toBe(2);
    expect(first.stdout + first.stderr).toMatch(/roles\/Reader: created, but its answer was lost before .*permissions/);
    expect(second.code).toBe(0);
    expect((await plan(dir, env)).code).toBe(0);
    const roles = (await emu.api('GET', '/api/v2/roles')).body as { name: string; id: string }[];
    expect(roles.filter((r) => r.name === 'Reader')).toHaveLength(1);
  });

  it("sets a client's declared secret when the answer to its create was lost", async () => {
    // The secret is write-only: no plan can see that it is wrong, so the apply that creates it must set it.
    emu = await startTestEmulator({ faults: 'POST /api/v2/clients drop after' });
    const env = { ...emulatorEnv(emu), WORKER_SECRET: 'worker-secret-0123456789-abcdefghij-XYZ' };
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords:\n  WORKER_SECRET: { env: WORKER_SECRET }\n',
      'tenant.yaml': [
        'clients:',
        '  - name: Worker',
        '    app_type: non_interactive',
        '    grant_types: [client_credentials]',
        "    client_secret: '@@WORKER_SECRET@@'",
        '',
      ].join('\n'),
    });

    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect((await emu.faultState()).rules[0]?.fired).toBe(1);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('worker-secret-0123456789');
    const clients = (await emu.api('GET', '/api/v2/clients?is_global=false')).body as { name: string; client_secret: string }[];
    const workers = clients.filter((c) => c.name === 'Worker');
    expect(workers).toHaveLength(1);
    expect(workers[0]?.client_secret).toBe(env.WORKER_SECRET);
    expect((await plan(dir, env)).code).toBe(0);
  });

  it('creates a user whose create failed twice with a 503, once', async () => {
    // Each 503 leaves the create uncertain: the user is looked up, not found, and sent again.
    emu = await startTestEmulator({ faults: 'POST /api/v2/users 503 times=2' });
    const env = { ...emulatorEnv(emu), ANA_PASSWORD: 'Ana-Passw0rd!-2026' };
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords:\n  ANA_PASSWORD: { env: ANA_PASSWORD }\n',
      'tenant.yaml': [
        'connections:',
        '  - { name: staff, strategy: auth0 }',
        'users:',
        "  - { connection: staff, email: ana@example.com, name: Ana, password: '@@ANA_PASSWORD@@' }",
        '',
      ].join('\n'),
    });

    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect((await emu.faultState()).rules[0]?.fired).toBe(2);
    expect(res.code).toBe(0);
    const users = (await emu.api('GET', '/api/v2/users-by-email?email=ana%40example.com')).body as unknown[];
    expect(users).toHaveLength(1);
    expect((await plan(dir, env)).code).toBe(0);
  });
});
