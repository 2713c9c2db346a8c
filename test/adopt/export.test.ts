import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  const applied = await tenantctl(['apply', 'examples/tenants/acme', '--env', 'staging', '--auto-approve'], { env });
  expect(applied.code).toBe(0);
});
afterAll(() => emu.close());

async function readAll(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith('.yaml')) continue;
    out[name] = await readFile(join(dir, name), 'utf8');
  }
  return out;
}

describe('tenantctl export', () => {
  it('writes a directory that validates and plans empty against the same tenant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const exported = await tenantctl(['export', '--out', dir, '--kinds', 'tenant,resourceServers,clients,clientGrants,organizations,connections,networkAcls,users', '--env', 'staging'], { env });
    expect(exported.stderr).not.toContain('hit a bug');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`Exported`);

    // Client secrets are exported as keywords bound to variables; the secrets themselves are never compared.
    const secrets = { ...env, ACME_WEB_CLIENT_SECRET: 'from-the-vault-1', ORDERS_SERVICE_CLIENT_SECRET: 'from-the-vault-2' };
    const validated = await tenantctl(['validate', dir, '--env', 'staging'], { env: secrets });
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    const planned = await tenantctl(['plan', dir, '--env', 'staging', '--detailed-exitcode'], { env: secrets });
    expect(planned.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(planned.code).toBe(0);

    const files = await readAll(dir);
    expect(Object.keys(files).sort()).toEqual([
      'client-grants.yaml', 'clients.yaml', 'connections.yaml', 'environments/staging.yaml', 'network-acls.yaml',
      'organizations.yaml', 'resource-servers.yaml', 'tenant.yaml', 'users.yaml',
    ]);
    for (const [name, text] of Object.entries(files)) {
      if (!name.startsWith('environments/'))
        expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schemas\/manifest\.schema\.json$/);
    }
    // Grants and enabled clients name clients, never ids; the deployer and system API stay out.
    expect(files['client-grants.yaml']).toContain('client: Orders Service');
    expect(files['client-grants.yaml']).not.toContain('client_id');
    const all = Object.values(files).join('\n');
    expect(all).not.toContain(emu.clientId);
    expect(all).not.toContain(emu.clientSecret);
    expect(all).not.toContain('Auth0 Management API');
  });

  it('exports an unchanged tenant byte for byte the same', async () => {
    const first = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const second = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    expect((await tenantctl(['export', '--out', first], { env })).code).toBe(0);
    expect((await tenantctl(['export', '--out', second], { env })).code).toBe(0);
    const a = await readAll(first);
    const b = await readAll(second);
    expect(Object.keys(a).length).toBeGreaterThan(5);
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]?.replace(first, second));
  });

  it('refuses an unknown kind with a suggestion, before touching the tenant', async () => {
    const res = await tenantctl(['export', '--out', 'x', '--kinds', 'client'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("unknown kind 'client'");
    expect(res.stderr).toContain('clients');
  });

  it('prints one JSON document with --output json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const res = await tenantctl(['export', '--out', dir, '--output', 'json'], { env });
    expect(res.code).toBe(0);
    const parsed = JSON.parse(res.stdout);
    expect(parsed.files).toContain('clients.yaml');
    expect(parsed.objects).toBeGreaterThan(0);
  });
});
