import { afterEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * tenantctl against an emulator that loses answers. A connection dropped before the write is committed
 * changed nothing; one dropped after it left the change in place without telling the client. Either way
 * apply must end with exactly the planned objects: no duplicates, and a re-plan that is empty.
 */
let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const ENV = { 'environments/test.yaml': 'keywords: {}\n' };

function tenantYaml(services: string[], description = 'v1'): string {
  return [
    'resourceServers:',
    '  - { name: Orders API, identifier: https://orders.example, scopes: [{ value: read:orders }] }',
    'clients:',
    ...services.map(
      (s) => `  - { name: ${s}, description: ${description}, app_type: non_interactive, grant_types: [client_credentials] }`,
    ),
    'clientGrants:',
    ...services.map((s) => `  - { client: ${s}, audience: https://orders.example, scope: [read:orders] }`),
    '',
  ].join('\n');
}

async function live(e: TestEmulator) {
  const get = async <T>(path: string) => (await e.api('GET', path)).body as T[];
  return {
    apis: (await get<{ identifier: string }>('/api/v2/resource-servers')).filter(
      (a) => a.identifier === 'https://orders.example',
    ),
    clients: await get<{ name: string; client_id: string; description?: string }>('/api/v2/clients?is_global=false'),
    grants: (await get<{ audience: string; client_id: string }>('/api/v2/client-grants')).filter(
      (g) => g.audience === 'https://orders.example',
    ),
  };
}

const countOf = (names: string[], name: string) => names.filter((n) => n === name).length;

async function expectConverged(dir: string, env: Record<string, string>) {
  const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
  expect(again.stdout).toContain('No changes.');
  expect(again.code).toBe(0);
}

describe('apply when connections drop', () => {
  it('creates each object once when every create is dropped after it was committed', async () => {
    emu = await startTestEmulator({
      faults:
        'POST /api/v2/resource-servers drop after; POST /api/v2/clients drop after; POST /api/v2/client-grants drop after',
    });
    const env = emulatorEnv(emu);
    const dir = await writeTenant({ ...ENV, 'tenant.yaml': tenantYaml(['Orders Service']) });

    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.stderr).not.toContain('Error');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed.');
    // Every rule fired: each create really was lost on the way back.
    expect((await emu.faultState()).rules.map((r) => r.fired)).toEqual([1, 1, 1]);

    const { apis, clients, grants } = await live(emu);
    expect(apis).toHaveLength(1);
    expect(countOf(clients.map((c) => c.name), 'Orders Service')).toBe(1);
    expect(grants).toHaveLength(1);
    expect(grants[0]?.client_id).toBe(clients.find((c) => c.name === 'Orders Service')?.client_id);
    // Exactly one POST per kind reached the tenant: the lookup found the object instead of creating it again.
    const { byRoute } = await emu.stats();
    // Two POSTs: the apply lock and the API.
    expect(byRoute['POST /api/v2/resource-servers']).toBe(2);
    expect(byRoute['POST /api/v2/clients']).toBe(1);
    expect(byRoute['POST /api/v2/client-grants']).toBe(1);
    await expectConverged(dir, env);
  });

  it('finishes updates and deletes whose answers were lost after they were committed', async () => {
    emu = await startTestEmulator();
    const env = emulatorEnv(emu);
    const first = await writeTenant({ ...ENV, 'tenant.yaml': tenantYaml(['Orders Service', 'Old Service']) });
    expect((await tenantctl(['apply', first, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);

    await emu.faults([
      { method: 'PATCH', path: '/api/v2/clients/*', status: 'drop', when: 'after' },
      { method: 'DELETE', path: '/api/v2/clients/*', status: 'drop', when: 'after' },
    ]);
    const second = await writeTenant({ ...ENV, 'tenant.yaml': tenantYaml(['Orders Service'], 'v2') });
    const res = await tenantctl(['apply', second, '--env', 'test', '--auto-approve', '--allow-delete'], { env });
    expect(res.code).toBe(0);
    expect((await emu.faultState()).rules.map((r) => r.fired)).toEqual([1, 1]);

    const { clients, grants } = await live(emu);
    expect(clients.filter((c) => c.name === 'Old Service')).toEqual([]);
    expect(clients.find((c) => c.name === 'Orders Service')?.description).toBe('v2');
    expect(grants).toHaveLength(1);
    await expectConverged(second, env);
  });

  it('converges without duplicates under seeded random faults before and after commits', async () => {
    emu = await startTestEmulator({
      // Writes lose an answer one time in two, in every way; reads fail now and then too.
      faults: 'POST 500 p=0.15; POST drop p=0.1; POST drop after p=0.15; POST 503 after p=0.1; 500 p=0.05; latency=5 p=1',
      seed: 20_261_124,
    });
    const env = emulatorEnv(emu);
    const services = ['Billing', 'Shipping', 'Search', 'Reports', 'Audit', 'Mailer', 'Ledger', 'Export'];
    const dir = await writeTenant({ ...ENV, 'tenant.yaml': tenantYaml(services) });

    // A run can still fail (a create that fails three times is reported, not forced): re-running converges.
    let code = 1;
    for (let run = 0; run < 4 && code !== 0; run += 1) {
      code = (await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code;
    }
    expect(code).toBe(0);
    const fired = (await emu.faultState()).rules.map((r) => r.fired);
    // Both kinds of uncertainty happened: writes lost before and after they were committed.
    expect(fired[0]! + fired[1]!).toBeGreaterThan(0);
    expect(fired[2]! + fired[3]!).toBeGreaterThan(0);

    await emu.clearFaults();
    const { apis, clients, grants } = await live(emu);
    expect(apis).toHaveLength(1);
    for (const name of services) expect(countOf(clients.map((c) => c.name), name)).toBe(1);
    expect(grants).toHaveLength(services.length);
    await expectConverged(dir, env);
  });
});

describe('tenantctl emulator options', () => {
  it.each([
    [['--faults', 'POST boom'], '--faults: fault "POST boom": cannot read "boom"'],
    [['--faults', '429 after'], 'a 429 means "not processed"'],
    [['--rate-limit', 'pro'], '--rate-limit: rate limit must be one of free, dev, enterprise or BURST/RPS'],
    [['--seed', 'abc'], '--seed: expected an integer from 0 to 4294967295, got "abc"'],
  ])('refuses %j before listening', async (args, message) => {
    const res = await tenantctl(['emulator', '--port', '0', ...args]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
