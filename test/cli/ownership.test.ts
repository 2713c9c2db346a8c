import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const names = async () =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).map((c) => c.name).sort();

describe('deletes and protected objects', () => {
  it('deletes an undeclared client only with --allow-delete', async () => {
    const created = await emu.api('POST', '/api/v2/clients', { name: 'Legacy App' });
    expect(created.status).toBe(201);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients: []\n',
    });

    const plan = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Would delete, skipped (1):');
    expect(plan.stdout).toContain(
      'clients/Legacy App: not in the manifests; pass --allow-delete to delete it',
    );
    const kept = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(kept.code).toBe(0);
    expect(await names()).toContain('Legacy App');

    const deleted = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--allow-delete'], {
      env,
    });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('- clients/Legacy App');
    expect(deleted.stdout).toContain('Apply complete: 0 added, 0 changed, 1 destroyed.');
    expect(await names()).not.toContain('Legacy App');
  });

  it('never touches the deployer, its grant, the global client or the Management API, even with --allow-delete', async () => {
    const before = await emu.api('GET', '/api/v2/client-grants');
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'resourceServers: []\nclients: []\nclientGrants: []\n',
    });
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--allow-delete'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(await names()).toEqual(expect.arrayContaining(['All Applications']));
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { client_id: string }[];
    expect(clients.map((c) => c.client_id)).toContain(emu.clientId);
    const apis = (await emu.api('GET', '/api/v2/resource-servers')).body as { identifier: string }[];
    expect(apis.map((a) => a.identifier)).toContain(emu.audience);
    expect((await emu.api('GET', '/api/v2/client-grants')).body).toEqual(before.body);
  });

  it('refuses to manage the deployer client by name and says why', async () => {
    const deployer = (
      (await emu.api('GET', '/api/v2/clients')).body as { client_id: string; name: string }[]
    ).find((c) => c.client_id === emu.clientId);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': `clients:\n  - name: ${JSON.stringify(deployer?.name)}\n    description: taken over\n`,
    });
    const res = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `clients/${deployer?.name}: never planned: tenantctl authenticates as this client`,
    );
    expect(res.stdout).toContain('No changes.');
  });
});
