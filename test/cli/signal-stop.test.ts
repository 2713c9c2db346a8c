import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/faults.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Ctrl-C in the middle of a long apply: tenantctl sends no new write, waits for the answers of those on the
// wire, removes its lock, says exactly which changes were made, and ends by the signal. The emulator's own
// request log shows what reached the tenant after the signal.
const LOCK = '/api/v2/resource-servers/urn%3Atenantctl%3Alock';
const CLI = `${process.cwd()}/dist/bin/cli.js`;
const NAMES = Array.from({ length: 14 }, (_, i) => `Queued ${i}`);
const TENANT = {
  'environments/test.yaml': 'keywords: {}\n',
  'tenant.yaml': `clients:\n${NAMES.map((n) => `  - { name: ${n}, app_type: non_interactive }`).join('\n')}\n`,
};

interface Logged {
  at: string;
  method: string;
  path: string;
  status: number | 'dropped';
}

const running: TestEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** An emulator with a free plan's bucket (2 burst, 2 a second): an apply of 14 creates takes seconds. */
async function slowTenant(faults: FaultRule[] = []): Promise<TestEmulator> {
  const emu = await startTestEmulator({ rateLimit: '2/2' });
  running.push(emu);
  if (faults.length > 0) await emu.faults(faults);
  return emu;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET as the deployer that waits out the slow bucket (the test's own calls share it). */
async function get(emu: TestEmulator, path: string): Promise<{ status: number; body: unknown }> {
  for (;;) {
    const res = await emu.api('GET', path);
    if (res.status !== 429) return res;
    await pause(600);
  }
}

const requests = async (emu: TestEmulator) =>
  ((await (await fetch(`${emu.url}/__emulator/requests`)).json()) as { requests: Logged[] }).requests;

/** Every write that reached the tenant's API, in arrival order (429s changed nothing). */
const writes = async (emu: TestEmulator) =>
  (await requests(emu)).filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v2/') && r.status !== 429);

/** The declared clients that exist, with repeats (a create sent twice would show twice). */
async function queuedClients(emu: TestEmulator): Promise<string[]> {
  const res = await get(emu, '/api/v2/clients?per_page=100');
  return (res.body as { name: string }[]).map((c) => c.name).filter((n) => NAMES.includes(n)).sort();
}

const createsSeen = async (emu: TestEmulator) => ((await emu.stats()).byRoute['POST /api/v2/clients'] ?? 0);

function start(args: string[], options: { cwd?: string; env: Record<string, string> }) {
  const child = spawn(process.execPath, [CLI, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  return { child, output, exited };
}

/** Sends SIGINT; resolves with how long the process took to end, and the moment the signal went. */
async function interrupt(child: ChildProcess, exited: Promise<NodeJS.Signals | null>) {
  const at = Date.now();
  child.kill('SIGINT');
  expect(await exited).toBe('SIGINT');
  return { at, tookMs: Date.now() - at };
}

/**
 * After the signal, the tenant received no write but the lock's removal. The slack covers a write sent just
 * before the signal was handled and this process's clock reading it late on a loaded machine; a queued
 * write waits for a token of the 2-a-second bucket, so one sent after the signal would show.
 */
async function onlyLockRemovalAfter(emu: TestEmulator, signalAt: number) {
  const late = (await writes(emu)).filter((w) => Date.parse(w.at) > signalAt + 250);
  // The lock is removed by its id (never by its identifier: another run's lock would have another id).
  expect(late.map((w) => `${w.method} ${w.path}`)).toEqual([expect.stringMatching(/^DELETE \/api\/v2\/resource-servers\/[0-9a-f]+$/)]);
}

describe('apply stopped by SIGINT', () => {
  it('sends no new write, waits for the one in flight, lists what was applied, and a re-run converges', async () => {
    // Every create takes 800 ms: when the signal comes, one is on the wire; its answer is awaited.
    const emu = await slowTenant([{ method: 'POST', path: '/api/v2/clients', latencyMs: 800, probability: 1 }]);
    const dir = await writeTenant(TENANT);
    const { child, output, exited } = start(['apply', dir, '--env', 'test', '--auto-approve'], { env: emulatorEnv(emu) });
    while ((await createsSeen(emu)) < 3) await pause(50);
    const signal = await interrupt(child, exited);
    expect(signal.tookMs).toBeLessThan(8000);

    const made = await queuedClients(emu);
    expect(made.length).toBeGreaterThanOrEqual(3);
    expect(made.length).toBeLessThan(NAMES.length);
    // Every create the tenant received is reported applied: none was in flight without an answer.
    const creates = (await writes(emu)).filter((w) => w.method === 'POST' && w.path === '/api/v2/clients');
    expect(creates).toHaveLength(made.length);
    await onlyLockRemovalAfter(emu, signal.at);
    expect((await get(emu, LOCK)).status).toBe(404);

    const { stdout, stderr } = output;
    expect(stderr).toContain('SIGINT: sending nothing more; removing the apply lock before stopping');
    expect(stdout).toContain(`Apply stopped by SIGINT: ${made.length} change(s) applied, 0 in flight, ${NAMES.length - made.length} not started.`);
    for (const name of made) expect(stdout).toContain(`✓ created clients/${name}`);
    for (const name of NAMES.filter((n) => !made.includes(n))) expect(stdout).toContain(`· create clients/${name}`);
    expect(stdout).not.toContain('may or may not');
    expect(stdout.match(/Apply (stopped|complete|failed)/g)).toHaveLength(1);
    expect(`${stdout}${stderr}`).not.toContain(emu.clientSecret);

    // The re-run plans from the live tenant: it creates the rest, and nothing twice.
    await emu.clearFaults();
    const again = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--output', 'json'], { env: emulatorEnv(emu) });
    expect(again.code, again.stderr).toBe(0);
    const doc = JSON.parse(again.stdout) as { result: { applied: string[] } };
    expect(doc.result.applied.sort()).toEqual(NAMES.filter((n) => !made.includes(n)).map((n) => `clients/${n}`).sort());
    expect(await queuedClients(emu)).toEqual([...NAMES].sort());
  }, 90_000);

  it('--output json: one document naming the applied, the in-flight (whose answer never came) and the not started', async () => {
    // The second create hangs for 9 s, past the 5 s a stopping process waits for answers.
    const emu = await slowTenant([{ method: 'POST', path: '/api/v2/clients', latencyMs: 9000, probability: 1, nth: 2, times: 1 }]);
    const dir = await writeTenant(TENANT);
    const { child, output, exited } = start(['apply', dir, '--env', 'test', '--auto-approve', '--output', 'json'], { env: emulatorEnv(emu) });
    // The pacer holds the next creates while the slow one is out (it cannot learn the refill meanwhile).
    while ((await createsSeen(emu)) < 2) await pause(50);
    await pause(300);
    const signal = await interrupt(child, exited);
    // 5 s for the answer that never comes, then the lock's removal, which goes at once.
    expect(signal.tookMs).toBeLessThan(8000);
    await onlyLockRemovalAfter(emu, signal.at);

    const doc = JSON.parse(output.stdout) as {
      plan: { changes: unknown[] };
      result: { applied: string[]; failed: unknown[]; inFlight: string[]; notAttempted: string[] };
      error: { code: string; message: string; hint: string };
    };
    expect(doc.error).toMatchObject({ code: 'interrupted', message: expect.stringContaining('SIGINT received: the apply stopped') });
    expect(doc.error.hint).toContain('in flight may still land');
    expect(doc.plan.changes).toHaveLength(NAMES.length);
    expect(doc.result.inFlight).toEqual(['clients/Queued 1']);
    expect(doc.result.applied).toContain('clients/Queued 0');
    expect(doc.result.failed).toEqual([]);
    expect(doc.result.applied.length + doc.result.inFlight.length + doc.result.notAttempted.length).toBe(NAMES.length);

    // The slow create may land after all (the emulator drops it: its caller has gone). Once it is over either
    // way, a re-run plans from the live tenant and creates what is missing, nothing twice.
    const slowOver = async () => (await requests(emu)).filter((r) => r.method === 'POST' && r.path === '/api/v2/clients').length > doc.result.applied.length;
    while (!(await slowOver()) && Date.now() - signal.at < 15_000) await pause(200);
    const made = await queuedClients(emu);
    const applied = doc.result.applied.map((a) => a.slice('clients/'.length));
    expect(made).toEqual(expect.arrayContaining(applied));
    expect(made.length - applied.length).toBeLessThanOrEqual(1);
    const again = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--output', 'json'], { env: emulatorEnv(emu) });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { result: { applied: string[] } }).result.applied.sort()).toEqual(
      NAMES.filter((n) => !made.includes(n)).map((n) => `clients/${n}`).sort(),
    );
    expect(await queuedClients(emu)).toEqual([...NAMES].sort());
  }, 90_000);
});

describe('apply --fleet stopped by SIGINT', () => {
  it('stops every tenant sending and still prints the combined summary with what each applied', async () => {
    const [one, two] = [await slowTenant(), await slowTenant()] as [TestEmulator, TestEmulator];
    const line = (name: string, vars: string) =>
      `  - { name: ${name}, dir: ${name}, env: test, domain_env: ${vars}_DOMAIN, client_id_env: ${vars}_ID, client_secret_env: ${vars}_SECRET }`;
    const root = await writeTenant({
      'fleet.yaml': ['tenants:', line('one', 'ONE'), line('two', 'TWO'), ''].join('\n'),
      ...Object.fromEntries(Object.entries(TENANT).flatMap(([file, text]) => [[`one/${file}`, text], [`two/${file}`, text]])),
    });
    const env = {
      ONE_DOMAIN: one.url, ONE_ID: one.clientId, ONE_SECRET: one.clientSecret,
      TWO_DOMAIN: two.url, TWO_ID: two.clientId, TWO_SECRET: two.clientSecret,
    };
    const { child, output, exited } = start(['apply', '--fleet', 'fleet.yaml', '--parallel', '2', '--auto-approve'], { cwd: root, env });
    while ((await createsSeen(one)) < 2 || (await createsSeen(two)) < 2) await pause(50);
    const signal = await interrupt(child, exited);
    expect(signal.tookMs).toBeLessThan(8000);
    expect(output.stdout).toContain('Fleet apply: 2 tenant(s), 2 failed; exit 1');
    expect(output.stdout).toContain('SIGINT received: the fleet stopped');
    for (const [name, emu] of [['one', one], ['two', two]] as const) {
      await onlyLockRemovalAfter(emu, signal.at);
      const made = await queuedClients(emu);
      expect(made.length).toBeGreaterThanOrEqual(2);
      expect(output.stdout).toMatch(new RegExp(`${name}\\s+exit 1\\s+applied ${made.length}, failed 0, in flight 0, not attempted ${NAMES.length - made.length}`));
      expect((await get(emu, LOCK)).status).toBe(404);
    }
  }, 90_000);
});
