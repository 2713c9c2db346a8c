import { afterEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function manyClients(count: number): string {
  const lines = [
    'resourceServers:',
    '  - { name: Bulk API, identifier: https://bulk.example, scopes: [{ value: read }] }',
    'clients:',
  ];
  for (let i = 0; i < count; i += 1)
    lines.push(`  - { name: Bulk ${i}, app_type: non_interactive, grant_types: [client_credentials] }`);
  lines.push('clientGrants:');
  for (let i = 0; i < count; i += 1)
    lines.push(`  - { client: Bulk ${i}, audience: https://bulk.example, scope: [read] }`);
  return `${lines.join('\n')}\n`;
}

describe('reliability', () => {
  it('finishes every change under a tight rate limit (5 burst, 5/s)', async () => {
    emu = await startTestEmulator({ rateLimit: '5/5' });
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': manyClients(12),
    });
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.stderr).not.toContain('Error');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Apply complete: 25 added, 0 changed, 0 destroyed.');
    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.code).toBe(0);
  });

  it('reports what was applied after a server error, and a re-run converges', async () => {
    emu = await startTestEmulator();
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': manyClients(1),
    });
    // Every attempt to create the client fails (apply looks it up and tries again, three times in all);
    // the grant depends on the client, so its phase must not start.
    await emu.faults([1, 2, 3].map((nth) => ({ method: 'POST', path: '/api/v2/clients', nth, status: 500 })));
    const failed = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Apply failed: 1 change(s) applied, 1 failed, 1 not attempted.');
    expect(failed.stdout).toMatch(/✓ created resourceServers\/https:\/\/bulk\.example/);
    expect(failed.stdout).toMatch(/✗ create clients\/Bulk 0: .*500/);
    expect(failed.stdout).toContain('· create clientGrants/Bulk 0 -> https://bulk.example');

    const rerun = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('Apply complete: 2 added, 0 changed, 0 destroyed.');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env })).code).toBe(0);
  });

  it('does not create a duplicate when the connection drops during a create', async () => {
    emu = await startTestEmulator();
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients:\n  - { name: Once Only }\n',
    });
    await emu.faults([{ method: 'POST', path: '/api/v2/clients', nth: 1, status: 'drop' }]);
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string }[];
    expect(clients.filter((c) => c.name === 'Once Only').length).toBe(1);
  });

  it('retries a server error on an update and succeeds', async () => {
    emu = await startTestEmulator();
    const env = emulatorEnv(emu);
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients:\n  - { name: Retry Me, description: one }\n',
    });
    expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
    const dir2 = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'tenant.yaml': 'clients:\n  - { name: Retry Me, description: two }\n',
    });
    await emu.faults([{ method: 'PATCH', path: '/api/v2/clients/*', nth: 1, status: 503 }]);
    const res = await tenantctl(['apply', dir2, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/PATCH \/clients\/\S+: retrying in \d+\.\d s \(attempt 2 of 5\): server error 503/);
  });
});
