import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const LOCK = '/api/v2/resource-servers/urn%3Atenantctl%3Alock';
const ENV = { 'environments/test.yaml': 'keywords: {}\n' };
const THREE = {
  ...ENV,
  'tenant.yaml': `resourceServers: []\nclients:\n${['One', 'Two', 'Three'].map((n) => `  - { name: ${n}, app_type: non_interactive }\n`).join('')}`,
};

let emu: TestEmulator;
let env: Record<string, string>;
beforeEach(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterEach(() => emu.close());

const clientNames = async () =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string; global?: boolean }[])
    .filter((c) => !c.global)
    .map((c) => c.name)
    .filter((n) => ['One', 'Two', 'Three'].includes(n))
    .sort();

async function lockExists(): Promise<boolean> {
  return (await emu.api('GET', LOCK)).status === 200;
}

/** Starts an apply whose client creates are slow; resolves (with the run, still going) once it holds the lock. */
async function slowApply(dir: string): Promise<{ run: Promise<CliResult> }> {
  await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 1500, probability: 1 }]);
  const first = tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
  while (!(await lockExists())) await new Promise((r) => setTimeout(r, 20));
  return { run: first };
}

/** A lock as another machine's run would leave it. */
async function foreignLock(expires: Date, holder = { pid: 4242, host: 'build-7' }) {
  const record = {
    holder: `ghost@${holder.host}`,
    pid: holder.pid,
    host: holder.host,
    command: 'apply tenants/acme --env prod',
    started: new Date(expires.getTime() - 900_000).toISOString(),
    expires: expires.toISOString(),
    token: 'feedface',
  };
  const res = await emu.api('POST', '/api/v2/resource-servers', {
    identifier: 'urn:tenantctl:lock',
    name: 'tenantctl apply lock: ghost@build-7',
    scopes: [{ value: 'tenantctl:lock', description: JSON.stringify(record) }],
  });
  expect(res.status).toBe(201);
}

describe('the apply lock', () => {
  it('lets one of two concurrent applies write; the other exits 1 naming the holder', async () => {
    const dir = await writeTenant(THREE);
    const { run: first } = await slowApply(dir);
    const second = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('the tenant is locked by another apply');
    expect(second.stderr).toMatch(/@\S+ \(pid \d+, `tenantctl apply \S+ --env test`\) since \d{4}-.*, until \d{4}-/);
    expect(second.stderr).toContain('tenantctl unlock');
    expect(second.stdout).not.toContain('Apply complete');

    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Apply complete: 3 added, 0 changed, 0 destroyed.');
    expect(await clientNames()).toEqual(['One', 'Three', 'Two']);
    expect(await lockExists()).toBe(false);
  });

  it('with --lock-timeout the second apply waits, then converges without duplicates', async () => {
    const dir = await writeTenant(THREE);
    const { run: first } = await slowApply(dir);
    const second = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--lock-timeout', '60s'], {
      env,
    });
    expect((await first).code).toBe(0);
    expect(second.stderr).toMatch(/Waiting for the apply lock held by \S+@\S+ \(pid \d+/);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(await clientNames()).toEqual(['One', 'Three', 'Two']);
    expect(await lockExists()).toBe(false);
  });

  it('takes over an expired lock', async () => {
    await foreignLock(new Date(Date.now() - 60_000));
    const dir = await writeTenant(THREE);
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('Taking over the apply lock of ghost@build-7 (pid 4242');
    expect(res.stderr).toContain('it expired at');
    expect(await clientNames()).toEqual(['One', 'Three', 'Two']);
    expect(await lockExists()).toBe(false);
  });

  it('`unlock` refuses the lock of an apply still running on this host, unless --force', async () => {
    // This test's own process stands for the running apply.
    await foreignLock(new Date(Date.now() + 600_000), { pid: process.pid, host: hostname() });
    const refused = await tenantctl(['unlock'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('which is still running on this host');
    expect(refused.stderr).toContain('--force');
    expect(await lockExists()).toBe(true);
    const forced = await tenantctl(['unlock', '--force'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await lockExists()).toBe(false);
  });

  it('refuses a live lock, and `unlock` breaks it, printing the holder', async () => {
    await foreignLock(new Date(Date.now() + 600_000));
    const dir = await writeTenant(THREE);
    const refused = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'locked by another apply: ghost@build-7 (pid 4242, `tenantctl apply tenants/acme --env prod`) since',
    );
    expect(await clientNames()).toEqual([]);

    const unlock = await tenantctl(['unlock'], { env });
    expect(unlock.code).toBe(0);
    expect(unlock.stdout).toContain('Removed the apply lock of ghost@build-7 (pid 4242');
    expect(unlock.stderr).toContain('It had not expired');
    expect(await lockExists()).toBe(false);
    expect((await tenantctl(['unlock'], { env })).stdout).toContain('is not locked');

    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
  });

  it('is never planned, shown as drift or exported, and plan does not wait for it', async () => {
    await foreignLock(new Date(Date.now() + 600_000));
    const dir = await writeTenant({ ...ENV, 'tenant.yaml': 'resourceServers: []\n' });
    for (const args of [['plan', dir, '--allow-delete'], ['drift', dir, '--allow-delete'], ['drift', dir]]) {
      const res = await tenantctl([...args, '--env', 'test'], { env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).not.toContain('urn:tenantctl:lock');
      expect(res.stdout).toContain('No changes. The tenant matches the manifests.');
    }
    const out = await writeTenant({});
    const exported = await tenantctl(['export', '--out', out, '--kinds', 'resourceServers'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const apis = await readFile(join(out, 'resource-servers.yaml'), 'utf8');
    expect(apis).toContain('resourceServers:');
    expect(apis).not.toContain('urn:tenantctl:lock');
    const declared = await writeTenant({ ...ENV, 'tenant.yaml': 'resourceServers:\n  - identifier: urn:tenantctl:lock\n' });
    const validate = await tenantctl(['validate', declared, '--env', 'test'], { env });
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain("'urn:tenantctl:lock' is the identifier of tenantctl's apply lock");
  });

  it('the emulator refuses a second lock with 409, as the real API refuses a duplicate identifier', async () => {
    await foreignLock(new Date(Date.now() + 600_000));
    const again = await emu.api('POST', '/api/v2/resource-servers', { identifier: 'urn:tenantctl:lock' });
    expect(again.status).toBe(409);
  });

  it('a real process stopped with Ctrl-C (SIGINT) removes its lock on the way out', async () => {
    const dir = await writeTenant(THREE);
    await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1 }]);
    const child = spawn(process.execPath, ['dist/bin/cli.js', 'apply', dir, '--env', 'test', '--auto-approve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    while (!(await lockExists())) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(stderr).toContain('SIGINT: sending nothing more; removing the apply lock before stopping');
    expect(await lockExists()).toBe(false);
  });

  it('a CI job cancelled mid-apply (SIGTERM) with --output json still prints its one JSON document', async () => {
    const dir = await writeTenant(THREE);
    // The first create answers at once, the others are slow: the signal lands with one applied and two on
    // the wire, whose answers it waits for.
    await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1, nth: 2 }]);
    const child = spawn(process.execPath, ['dist/bin/cli.js', 'apply', dir, '--env', 'test', '--auto-approve', '--output', 'json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    while (((await emu.stats()).byRoute['POST /api/v2/clients'] ?? 0) < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    const doc = JSON.parse(stdout) as {
      plan: { changes: unknown[] };
      result: { applied: string[]; failed: unknown[]; inFlight: string[]; notAttempted: string[] };
      error: { code: string; message: string };
    };
    expect(doc.error.code).toBe('interrupted');
    expect(doc.error.message).toContain('SIGTERM');
    expect(doc.plan.changes).toHaveLength(3);
    expect(doc.result).toMatchObject({ failed: [], inFlight: [], notAttempted: [] });
    expect(doc.result.applied).toHaveLength(3);
    expect(await lockExists()).toBe(false);
  });

  it('removes its lock on Ctrl-C ahead of the requests an apply has queued on a slow bucket', async () => {
    // 2 requests a second: the 40 creates queue up in the pacer, and a lock removal waiting its turn
    // behind them would miss the few seconds a stopping process has.
    const slow = await startTestEmulator({ rateLimit: '2/2' });
    try {
      const clients = Array.from({ length: 40 }, (_, i) => `  - { name: Queued ${i} }`).join('\n');
      const dir = await writeTenant({ ...ENV, 'tenant.yaml': `clients:\n${clients}\n` });
      const child = spawn(process.execPath, ['dist/bin/cli.js', 'apply', dir, '--env', 'test', '--auto-approve'], {
        env: { ...process.env, ...emulatorEnv(slow) },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // The control endpoints take no token from the bucket: the apply keeps all of it.
      const created = async () => (await slow.stats()).byRoute['POST /api/v2/clients'] ?? 0;
      while ((await created()) < 3) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      await new Promise((r) => setTimeout(r, 1500));
      expect((await slow.api('GET', LOCK)).status).toBe(404);
    } finally {
      await slow.close();
    }
  }, 30_000);

  it('rejects a --lock-timeout that is not a duration', async () => {
    const dir = await writeTenant(THREE);
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--lock-timeout', 'soon'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("--lock-timeout 'soon' is not a duration");
  });
});
