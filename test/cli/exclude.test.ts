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

const ENV = { 'environments/test.yaml': 'keywords: {}\n' };

const names = async () =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[])
    .filter((c) => !['All Applications', 'tenantctl deployer'].includes(c.name))
    .map((c) => c.name)
    .sort();

describe('exclude:', () => {
  it('is checked: unknown kinds, singletons, non-strings, and items both declared and excluded', async () => {
    const dir = await writeTenant({
      ...ENV,
      'tenant.yaml': `clients:
  - { name: Legacy Portal }
exclude:
  client: ["x"]
  tenant: ["y"]
  clients: ["Legacy *", 42]
`,
    });
    const res = await tenantctl(['validate', dir, '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/tenant\.yaml:4:3 .*unknown kind 'client' in exclude \(did you mean 'clients'\?\)/);
    expect(res.stderr).toMatch(/tenant\.yaml:5:3 .*'tenant' is one object, not a list: it cannot be excluded/);
    expect(res.stderr).toMatch(/tenant\.yaml:6:25 .*exclude\.clients must be a list of keys or glob patterns/);
    expect(res.stderr).toMatch(
      /tenant\.yaml:2:7 .*clients\/Legacy Portal is declared here and excluded by 'Legacy \*' at \S+tenant\.yaml:6/,
    );
  });

  it('hides hand-managed objects from plan, drift and apply --allow-delete', async () => {
    for (const name of ['Legacy One', 'Legacy Two', 'Hand Made', 'Stray'])
      expect((await emu.api('POST', '/api/v2/clients', { name })).status).toBe(201);
    const dir = await writeTenant({
      ...ENV,
      'tenant.yaml': 'clients:\n  - { name: Managed }\n',
      'exclude.yaml': 'exclude:\n  clients: ["Legacy *", Hand Made]\n',
    });
    const plan = await tenantctl(['plan', dir, '--env', 'test', '--allow-delete'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('- clients/Stray');
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 1 to destroy.');
    expect(plan.stdout).not.toMatch(/Legacy|Hand Made/);

    const apply = await tenantctl(['apply', dir, '--env', 'test', '--allow-delete', '--auto-approve'], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(await names()).toEqual(['Hand Made', 'Legacy One', 'Legacy Two', 'Managed']);

    await emu.api('POST', '/api/v2/clients', { name: 'Legacy Three' });
    const drift = await tenantctl(['drift', dir, '--env', 'test', '--output', 'json'], { env });
    expect(drift.code).toBe(0);
    expect(JSON.parse(drift.stdout)).toMatchObject({ drifted: false, changes: [], notInManifests: [] });
  });
});
