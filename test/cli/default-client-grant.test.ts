import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const API = `resourceServers:
  - { name: Catalog, identifier: https://catalog.example, scopes: [{ value: read:items }] }
clients:
  - { name: Catalog Sync, app_type: non_interactive }
`;
const DEFAULT_GRANT = '  - { default_for: third_party_clients, audience: https://catalog.example, scope: [read:items] }\n';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const tenant = (grants: string) =>
  writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': `${API}clientGrants:\n${grants}` });

describe('a client grant is for one client or the default of third-party clients', () => {
  it('refuses both, and neither, at the grant', async () => {
    const both = await tenantctl(['validate', await tenant('  - { client: Catalog Sync, default_for: third_party_clients, audience: https://catalog.example }\n'), '--env', 'test']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/tenant\.yaml:\d+:\d+ error .*name the client, or set default_for/);
    const neither = await tenantctl(['validate', await tenant('  - { audience: https://catalog.example }\n'), '--env', 'test']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('clientGrants/(no client) -> https://catalog.example');
  });

  it('applies a default grant without a client, re-plans empty, and exports it', async () => {
    const env = emulatorEnv(emu);
    const dir = await tenant(DEFAULT_GRANT);
    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('+ clientGrants/default for third_party_clients -> https://catalog.example');
    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');

    const out = join(dir, 'exported');
    const exported = await tenantctl(['export', '--out', out, '--kinds', 'clientGrants'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const text = await readFile(join(out, 'client-grants.yaml'), 'utf8');
    expect(text).toContain('default_for: third_party_clients');
  });
});
