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

const AUD = 'https://orders.example/';
const manifest = (pin = '') => ({
  'environments/test.yaml': 'keywords: {}\n',
  'tenant.yaml': `resourceServers:
  - { identifier: "${AUD}", name: Orders }
clients:
  - name: Orders App${pin ? `\n    id: ${pin}` : ''}
    app_type: non_interactive
clientGrants:
  - { client: Orders App, audience: "${AUD}", scope: [] }
`,
});

async function create(path: string, body: unknown): Promise<Record<string, string>> {
  const res = await emu.api('POST', `/api/v2${path}`, body);
  expect(res.status).toBe(201);
  return res.body as Record<string, string>;
}

const ordersApps = async () =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string; client_id: string }[]).filter(
    (c) => c.name === 'Orders App',
  );

describe('duplicates of a natural key in the tenant', () => {
  it('are named with ids, kept by pin, and deleted by the command the plan gives', async () => {
    // What two unlocked concurrent applies used to leave: two clients with one name, each with its grant.
    await create('/resource-servers', { identifier: AUD, name: 'Orders' });
    const a = await create('/clients', { name: 'Orders App', app_type: 'non_interactive' });
    const b = await create('/clients', { name: 'Orders App', app_type: 'non_interactive' });
    for (const c of [a, b]) await create('/client-grants', { client_id: c.client_id, audience: AUD, scope: [] });

    const dir = await writeTenant(manifest());
    const refused = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `clients/Orders App: 2 live clients share this key, and the API gives no creation time to tell the oldest: id ${a.client_id} (created unknown), id ${b.client_id} (created unknown)`,
    );
    expect(refused.stderr).toMatch(/Add `id: <the one to keep>` to the item at \S+tenant\.yaml:4/);

    const pinned = await writeTenant(manifest(b.client_id));
    const plan = await tenantctl(['plan', pinned, '--env', 'test'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const fix = `tenantctl apply ${pinned} --env test --allow-delete --target "clients/Orders App"`;
    expect(plan.stdout).toContain(
      `Warning: clients/Orders App: 2 live clients share this key (id ${a.client_id} (created unknown), id ${b.client_id} (created unknown)); \`${fix}\` keeps id ${b.client_id} and deletes the others`,
    );
    expect(plan.stdout).toContain(
      `clients/Orders App: duplicate client id ${a.client_id} (created unknown); keeping id ${b.client_id} (created unknown, pinned by id at`,
    );
    // The grant of the client that goes is a duplicate too; the kept client's grant is the one kept.
    expect(plan.stdout).toMatch(/clientGrants\/Orders App -> https:\/\/orders\.example\/: duplicate client grant id \S+ .*the others depend on duplicates this plan removes/);
    expect(plan.stdout).toContain('No changes. The tenant matches the manifests.');

    const deletes = await tenantctl(['plan', pinned, '--env', 'test', '--allow-delete'], { env });
    expect(deletes.stdout).toContain('Plan: 0 to add, 0 to change, 2 to destroy.');

    const args = ['apply', pinned, '--env', 'test', '--allow-delete', '--target', 'clients/Orders App'];
    const apply = await tenantctl([...args, '--auto-approve'], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete: 0 added, 0 changed, 1 destroyed.');
    expect((await ordersApps()).map((c) => c.client_id)).toEqual([b.client_id]);

    const again = await tenantctl(['plan', pinned, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('refuses a pin that names none of the duplicates', async () => {
    await create('/clients', { name: 'Orders App', app_type: 'non_interactive' });
    const dir = await writeTenant(manifest('nope'));
    const res = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/clients\/Orders App: the id 'nope' pinned at \S+tenant\.yaml:4 is none of the live clients with this key/);
  });
});
