import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// `apply --output json` stopped by a signal prints its document with the error `interrupted` and its result
// so far; a fleet's combined document must not be lost either, or a CI job keeps nothing of what happened.
const LOCK = '/api/v2/resource-servers/urn%3Atenantctl%3Alock';
let one: TestEmulator;
let two: TestEmulator;
beforeAll(async () => {
  [one, two] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

const lockExists = async (emu: TestEmulator) => (await emu.api('GET', LOCK)).status === 200;
const creates = async (emu: TestEmulator) => (await emu.stats()).byRoute['POST /api/v2/clients'] ?? 0;
const tenantLine = (name: string, vars: string) =>
  `  - { name: ${name}, dir: ${name}, env: test, domain_env: ${vars}_DOMAIN, client_id_env: ${vars}_ID, client_secret_env: ${vars}_SECRET }`;

describe('apply --fleet --output json stopped by SIGINT', () => {
  it("prints the fleet's document: each tenant as far as it got, and the error", async () => {
    const tenant = { 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients:\n  - { name: Slow Json, app_type: non_interactive }\n' };
    const root = await writeTenant({
      // Two at once: `three` waits for a free place and never gets one.
      'fleet.yaml': ['tenants:', tenantLine('one', 'ONE'), tenantLine('two', 'TWO'), tenantLine('three', 'ONE'), ''].join('\n'),
      ...Object.fromEntries(
        Object.entries(tenant).flatMap(([file, text]) => ['one', 'two', 'three'].map((name) => [`${name}/${file}`, text])),
      ),
    });
    // Slow creates keep both applies inside their locks until the signal comes.
    for (const emu of [one, two]) await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1 }]);
    const child = spawn(
      process.execPath,
      [`${process.cwd()}/dist/bin/cli.js`, 'apply', '--fleet', 'fleet.yaml', '--parallel', '2', '--auto-approve', '--output', 'json'],
      {
        cwd: root,
        env: {
          ...process.env,
          ONE_DOMAIN: one.url, ONE_ID: one.clientId, ONE_SECRET: one.clientSecret,
          TWO_DOMAIN: two.url, TWO_ID: two.clientId, TWO_SECRET: two.clientSecret,
        },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    // Both creates on the wire: a signal stops the apply where it is, and these are then awaited.
    while ((await creates(one)) < 1 || (await creates(two)) < 1) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    const doc = JSON.parse(stdout);
    expect(doc.code).toBe(1);
    expect(doc.error).toMatchObject({ code: 'interrupted', message: expect.stringContaining('SIGINT received: the fleet stopped') });
    const [first, second, third] = doc.tenants;
    for (const [entry, name] of [[first, 'one'], [second, 'two']] as const) {
      expect(entry).toMatchObject({ name, code: 1, error: { code: 'interrupted' } });
      expect(entry.plan.changes.map((c: { address: string }) => c.address)).toEqual(['clients/Slow Json']);
      // The create was on the wire when the signal came: its answer was awaited, so it is known applied.
      expect(entry.result).toEqual({ applied: ['clients/Slow Json'], failed: [], inFlight: [], notAttempted: [] });
    }
    expect(third).toMatchObject({ name: 'three', code: 1, error: { message: 'not started: stopped by SIGINT' } });
    expect(await lockExists(one)).toBe(false);
    expect(await lockExists(two)).toBe(false);
  }, 30_000);
});

describe('apply --output markdown stopped by SIGINT', () => {
  it('adds a failure block below the plan it printed, for the PR comment', async () => {
    const dir = await writeTenant({ 'tenant.yaml': 'clients:\n  - { name: Slow Md, app_type: non_interactive }\n' });
    await one.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1 }]);
    const before = await creates(one);
    const child = spawn(process.execPath, [`${process.cwd()}/dist/bin/cli.js`, 'apply', dir, '--auto-approve', '--output', 'markdown'], {
      env: { ...process.env, AUTH0_DOMAIN: one.url, AUTH0_CLIENT_ID: one.clientId, AUTH0_CLIENT_SECRET: one.clientSecret },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    while (!(await lockExists(one))) await new Promise((r) => setTimeout(r, 20));
    // The plan is printed just after the lock is taken and the tenant read.
    while (!stdout.includes('`clients/Slow Md`')) await new Promise((r) => setTimeout(r, 20));
    while ((await creates(one)) === before) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(stdout.indexOf('### tenantctl apply failed')).toBeGreaterThan(stdout.indexOf('`clients/Slow Md`'));
    expect(stdout).toContain('**Error** (`interrupted`): SIGINT received: the apply stopped');
    // Below it, the result as a finished apply gives it: the create on the wire was awaited.
    expect(stdout.indexOf('**Apply stopped by SIGINT: 1 change(s) applied, 0 in flight, 0 not started.**')).toBeGreaterThan(
      stdout.indexOf('### tenantctl apply failed'),
    );
    expect(stdout).toContain('- ✓ created clients/Slow Md');
    expect(stdout.match(/Apply (stopped|complete|failed)/g)).toHaveLength(1);
    expect(await lockExists(one)).toBe(false);
  }, 30_000);
});
