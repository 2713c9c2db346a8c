import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedEmulator } from '../../src/commands/emulator-seed.js';
import { output } from '../../src/commands/io.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';

let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** One clear line (and a hint), exit 1, never the bug report with a stack trace. */
function expectUsageError(res: { code: number; stderr: string; stdout: string }, what: RegExp) {
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(what);
  expect(res.stderr).not.toContain('tenantctl hit a bug');
  expect(res.stderr).not.toMatch(/\n\s+at /);
  expect(res.stdout).toBe('');
}

describe('tenantctl emulator: bad options', () => {
  it('refuses a port that is not a number', async () => {
    expectUsageError(await tenantctl(['emulator', '--port', 'abc']), /^Error: --port: expected a port number from 0 to 65535 .*got "abc"\n$/);
  });

  it('refuses a port out of range', async () => {
    expectUsageError(await tenantctl(['emulator', '--port', '99999']), /--port: expected a port number .*got "99999"/);
  });

  it('refuses a port already in use, saying what to do', async () => {
    running = await startEmulator({ quiet: true });
    const res = await tenantctl(['emulator', '--port', String(running.port)]);
    expectUsageError(res, new RegExp(`port ${running.port} on 127\\.0\\.0\\.1 is already in use\\n.*--port`));
  });

  it('refuses a host it cannot bind', async () => {
    // TEST-NET-1 (RFC 5737): never an address of this machine.
    const res = await tenantctl(['emulator', '--port', '0', '--host', '192.0.2.1']);
    expectUsageError(res, /cannot listen on host "192\.0\.2\.1": it is not an address of this machine.*\n.*--host 127\.0\.0\.1/);
  });

  it('refuses a state file in a directory that does not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-state-'));
    const res = await tenantctl(['emulator', '--port', '0', '--state', join(dir, 'missing', 'state.json')]);
    expectUsageError(res, new RegExp(`--state: the directory ${join(dir, 'missing')} does not exist\\n.*mkdir -p`));
  });

  it('asks for --env with --seed-from, and refuses --seed-from with --tls', async () => {
    expectUsageError(await tenantctl(['emulator', '--seed-from', 'examples/tenants/acme']), /--seed-from needs --env ENV/);
    expectUsageError(
      await tenantctl(['emulator', '--seed-from', 'examples/tenants/acme', '--env', 'dev', '--tls']),
      /--seed-from cannot be combined with --tls/,
    );
  });

  it('says what the emulator is for in --help', async () => {
    const res = await tenantctl(['emulator', '--help']);
    expect(res.stdout).toContain('What it is for: a local stand-in for an Auth0 tenant');
    expect(res.stdout).toContain('--seed-from <dir>');
  });
});

describe('tenantctl emulator --seed-from', () => {
  it('starts with the manifests applied: a plan of the same manifests is empty', async () => {
    running = await startEmulator({ quiet: true });
    let notes = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (notes += s) }, env: {}, cwd: process.cwd() };
    await seedEmulator(running, { dir: 'examples/tenants/acme', env: 'dev' }, io, output(io));
    expect(notes).toMatch(/Seeded from examples\/tenants\/acme \(env dev\): \d+ change\(s\) applied/);

    const plan = await tenantctl(['plan', 'examples/tenants/acme', '--env', 'dev'], { env: emulatorEnv(running) });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('stops before serving when the manifests do not load, and starts nothing', async () => {
    const dir = await writeTenant({ 'tenant.yaml': 'clients:\n  - name: App\n    bogus_field: 1\n', 'environments/dev.yaml': 'keywords: {}\n' });
    const res = await tenantctl(['emulator', '--port', '0', '--seed-from', dir, '--env', 'dev']);
    expect(res.code).toBe(1);
    expect(res.stdout).not.toContain('Emulator listening');
    expect(res.stderr).toContain('bogus_field');
    expect(res.stderr).not.toContain('tenantctl hit a bug');
  });
});
