import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** `tenant:` in environments/<env>.yaml: plan, apply and drift run against that tenant only. */
let staging: TestEmulator;
let prod: TestEmulator;
beforeAll(async () => {
  [staging, prod] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([staging.close(), prod.close()]);
});

const hostOf = (emu: TestEmulator) => new URL(emu.url).host;
const clientNames = async (emu: TestEmulator) =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).map((c) => c.name);

describe('an environment bound to its tenant', () => {
  it('refuses plan, apply and drift against any other AUTH0_DOMAIN, naming both', async () => {
    const dir = await writeTenant({
      'environments/prod.yaml': `tenant: ${hostOf(prod)}\nkeywords: {}\n`,
      'tenant.yaml': 'clients:\n  - name: Prod Only\n',
    });
    const wrong = emulatorEnv(staging);
    for (const args of [
      ['plan', dir, '--env', 'prod'],
      ['apply', dir, '--env', 'prod', '--auto-approve'],
      ['drift', dir, '--env', 'prod'],
    ]) {
      const res = await tenantctl(args, { env: wrong });
      expect(res.code, args[0]).toBe(1);
      expect(res.stderr).toContain(
        `environment 'prod' is bound to tenant ${hostOf(prod)} (${relative(process.cwd(), join(dir, 'environments', 'prod.yaml'))}:1:9), but AUTH0_DOMAIN is ${hostOf(staging)}`,
      );
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await clientNames(staging)).not.toContain('Prod Only');

    const file = join(dir, 'plan.json');
    const plan = await tenantctl(['plan', dir, '--env', 'prod', '--out', file], { env: emulatorEnv(prod) });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).boundTenant).toBe(hostOf(prod));
    const applied = await tenantctl(['apply', '--plan', file], { env: emulatorEnv(prod) });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await clientNames(prod)).toContain('Prod Only');
  });

  it('refuses a tenant binding that is not a domain, with its location', async () => {
    const dir = await writeTenant({
      'environments/prod.yaml': 'tenant: https://acme.eu.auth0.com/api\nkeywords: {}\n',
      'tenant.yaml': 'clients: []\n',
    });
    const res = await tenantctl(['validate', dir, '--env', 'prod']);
    expect(res.code).toBe(1);
    expect(res.stderr + res.stdout).toMatch(/prod\.yaml:1:9.*'tenant' must be the tenant's domain/);
  });
});
