import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * The adoption promise on a tenant holding every kind export covers, with many fields per kind
 * (test/fixtures/full-tenant): apply it, export it, and the export validates and plans empty against the
 * same tenant, without a secret in any file.
 */
const FIXTURE = 'test/fixtures/full-tenant';
const SECRETS = {
  FULL_WEB_SECRET: 'web-secret-7f3a9c1e5b2d8f4a6c0e',
  REPORTS_WORKER_SECRET: 'reports-secret-2b8d4f6a0c1e3a5c7e',
  LIN_PASSWORD: 'Lin-Pa55word!rounds-of-it',
  MAX_PASSWORD: 'Max-Pa55word!rounds-of-it',
};

let emu: TestEmulator;
let env: Record<string, string>;
let out: string;
let exported: { code: number; stdout: string; stderr: string };
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), ...SECRETS };
  const applied = await tenantctl(['apply', FIXTURE, '--env', 'test', '--auto-approve'], { env });
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  out = await mkdtemp(join(tmpdir(), 'tenantctl-full-export-'));
  exported = await tenantctl(['export', '--out', out, '--env', 'test', '--kinds', 'tenant,resourceServers,clients,clientGrants,roles,connections,organizations,networkAcls,users'], { env });
}, 120_000);
afterAll(() => emu.close());

/** What a user sets after reading the export's list: secrets from the vault, public keys from the repository. */
async function exportEnv(): Promise<Record<string, string>> {
  return {
    ...emulatorEnv(emu),
    FULL_WEB_CLIENT_SECRET: 'any-value-secrets-are-never-compared',
    REPORTS_WORKER_CLIENT_SECRET: 'any-value-secrets-are-never-compared',
    BILLING_WORKER_WORKER_2027_PEM: await readFile(join(FIXTURE, 'keys/worker.pub.pem'), 'utf8'),
  };
}

describe('export of a tenant holding every kind', () => {
  it('exports every kind, naming the variables to set', () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('Exported');
    expect(exported.stdout).not.toContain('Left out');
    expect(exported.stdout).not.toContain('Fields left out');
    for (const variable of ['FULL_WEB_CLIENT_SECRET', 'REPORTS_WORKER_CLIENT_SECRET', 'BILLING_WORKER_WORKER_2027_PEM'])
      expect(exported.stdout).toContain(variable);
    // A public key the API never returns is needed to plan; secrets are needed only to send them.
    expect(exported.stdout).toMatch(/Set these environment variables before planning[^\n]*\n {2}BILLING_WORKER_WORKER_2027_PEM\n\n/);
    expect(exported.stdout).toMatch(/hold secrets; plan, drift and updates run without them[^\n]*\n {2}FULL_WEB_CLIENT_SECRET\n {2}REPORTS_WORKER_CLIENT_SECRET\n/);
    // A public client (auth method none) and a private_key_jwt client use no secret.
    expect(exported.stdout).not.toContain('FULL_SPA_CLIENT_SECRET');
    expect(exported.stdout).not.toContain('BILLING_WORKER_CLIENT_SECRET');
  });

  it('validates, and plans no changes against the same tenant (exit 0 with --detailed-exitcode)', async () => {
    const exportedEnv = await exportEnv();
    const validated = await tenantctl(['validate', out, '--env', 'test'], { env: exportedEnv });
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    const planned = await tenantctl(['plan', out, '--env', 'test', '--detailed-exitcode'], { env: exportedEnv });
    expect(planned.stdout, planned.stderr).toContain('No changes. The tenant matches the manifests.');
    expect(planned.code).toBe(0);
  });

  it('keeps what the fixture declared, by name, and no secret', async () => {
    const files: Record<string, string> = {};
    for (const name of await readdir(out, { recursive: true }))
      if (name.endsWith('.yaml')) files[name] = await readFile(join(out, name), 'utf8');
    const all = Object.values(files).join('\n');
    for (const secret of [...Object.values(SECRETS), emu.clientSecret]) expect(all).not.toContain(secret);
    expect(all).not.toContain('PRIVATE KEY');
    expect(files['clients.yaml']).toContain('pem: "@@BILLING_WORKER_WORKER_2027_PEM@@"');
    expect(files['clients.yaml']).toContain('rotation_type: rotating');
    expect(files['organizations.yaml']).toMatch(/- email: lin@full\.example\n +connection: full-staff\n +roles:\n +- billing-admin\n +- reader/);
    expect(files['organizations.yaml']).toMatch(/- email: max@full\.example\n +connection: full-users\n/);
    expect(files['roles.yaml']).toContain('- api: https://billing.full.example');
    expect(files['connections.yaml']).toMatch(/enabled_clients:\n +- Full SPA\n +- Full Web/);
    expect(files['network-acls.yaml']).toContain('active: false');
    expect(files['users.yaml']).toContain('username: max_full');
    expect(files['users.yaml']).not.toContain('password');
    expect(files['tenant.yaml']).toContain('per_hour: 300');
  });
});
