import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const ACME = 'examples/tenants/acme';
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

async function acmeWebId(): Promise<string> {
  const res = await emu.api('GET', '/api/v2/clients');
  const web = (res.body as { name: string; client_id: string }[]).find((c) => c.name === 'Acme Web');
  if (!web) throw new Error('Acme Web not found');
  return web.client_id;
}

describe('the example tenant, staging', () => {
  it('plans with exit 2, applies, and then reports no drift', async () => {
    const plan = await tenantctl(['plan', ACME, '--env', 'staging', '--detailed-exitcode'], { env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ clients/Acme Web');
    expect(plan.stdout).toContain(
      'callbacks: ["https://staging.acme.example/callback","https://staging.acme.example/auth/silent"]',
    );
    expect(plan.stdout).toMatch(/Plan: \d+ to add, \d+ to change, 0 to destroy\./);

    const apply = await tenantctl(['apply', ACME, '--env', 'staging', '--auto-approve'], { env });
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete: \d+ added, \d+ changed, 0 destroyed\./);

    const drift = await tenantctl(['drift', ACME, '--env', 'staging'], { env });
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('drift names the resource, the field and both values after an out-of-band change', async () => {
    const id = await acmeWebId();
    const patched = await emu.api('PATCH', `/api/v2/clients/${id}`, {
      callbacks: ['https://evil.example/cb'],
    });
    expect(patched.status).toBe(200);

    const drift = await tenantctl(['drift', ACME, '--env', 'staging'], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('~ clients/Acme Web');
    expect(drift.stdout).toContain(
      [
        'callbacks:',
        '        only in manifest: "https://staging.acme.example/callback"',
        '        only in manifest: "https://staging.acme.example/auth/silent"',
        '        only live:        "https://evil.example/cb"',
      ].join('\n'),
    );

    const json = await tenantctl(['drift', ACME, '--env', 'staging', '--output', 'json'], { env });
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.changes[0]).toMatchObject({
      address: 'clients/Acme Web',
      action: 'update',
      fields: [{ path: 'callbacks', from: ['https://evil.example/cb'] }],
    });

    const md = await tenantctl(['drift', ACME, '--env', 'staging', '--output', 'markdown'], { env });
    expect(md.stdout).toContain('| update | `clients/Acme Web` |');
  });

  it('a saved plan applies exactly, and refuses when the tenant moved', async () => {
    const file = join(await import('node:os').then((os) => os.tmpdir()), `acme-plan-${process.pid}.json`);
    const plan = await tenantctl(['plan', ACME, '--env', 'staging', '--out', file], { env });
    expect(plan.code).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.changes.map((c: { address: string }) => c.address)).toEqual(['clients/Acme Web']);

    await emu.resetStats();
    const apply = await tenantctl(['apply', '--plan', file], { env });
    expect(apply.code).toBe(0);
    const stats = await emu.stats();
    // Exactly one PATCH the tenant took; one the bucket refused (429) and the pacer re-sent is not a write.
    const log = (await (await fetch(`${emu.url}/__emulator/requests`)).json()) as {
      requests: { method: string; path: string; status: number | 'dropped' }[];
    };
    const patches = log.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/api/v2/clients/'));
    expect(patches.filter((r) => r.status === 200)).toHaveLength(1);
    expect(patches.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    // Besides the apply lock (created and removed again), the one reviewed change is all that is written.
    expect(Object.keys(stats.byRoute).filter((r) => !r.startsWith('GET ')).sort()).toEqual([
      'DELETE /api/v2/resource-servers/{id}',
      'PATCH /api/v2/clients/{id}',
      'POST /api/v2/resource-servers',
    ]);

    // plan again (no changes now), then someone edits the client before the saved plan is applied
    const id = await acmeWebId();
    await emu.api('PATCH', `/api/v2/clients/${id}`, { callbacks: ['https://evil.example/cb'] });
    const second = await tenantctl(['plan', ACME, '--env', 'staging', '--out', file], { env });
    expect(second.stdout).toContain('~ clients/Acme Web');
    await emu.api('PATCH', `/api/v2/clients/${id}`, { description: 'edited by hand' });
    await emu.resetStats();
    const stale = await tenantctl(['apply', '--plan', file], { env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('plan is stale');
    expect(stale.stderr).toContain('clients/Acme Web changed since the plan');
    const after = await emu.stats();
    expect(Object.keys(after.byRoute).filter((r) => !r.startsWith('GET ') && !r.includes('/resource-servers'))).toEqual([]);
  });
});
