import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCli } from '../helpers/build-cli.js';
import { writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A fleet runs its tenants in one process: an unhandled rejection or uncaught exception raised in one
// tenant's run must fail that tenant alone (its lock removed), not end the process and every tenant with it.
// The CLI runs as its own process here: vitest fails any test run that sees an unhandled rejection.
const LOCK = '/api/v2/resource-servers/urn%3Atenantctl%3Alock';
const NAMES = ['one', 'two', 'three'] as const;
let emus: TestEmulator[] = [];
let build: { dir: string; cli: string };
let root: string;

beforeAll(async () => {
  [build, emus] = await Promise.all([buildCli(), Promise.all(NAMES.map(() => startTestEmulator()))]);
  const tenant = { 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients:\n  - { name: Slow, app_type: non_interactive }\n' };
  root = await writeTenant({
    'fleet.yaml': `tenants:\n${NAMES.map((n) => `  - { name: ${n}, dir: ${n}, env: test, domain_env: ${n}_DOMAIN, client_id_env: ${n}_ID, client_secret_env: ${n}_SECRET }\n`).join('')}`,
    ...Object.fromEntries(NAMES.flatMap((n) => Object.entries(tenant).map(([file, text]) => [`${n}/${file}`, text]))),
  });
}, 120_000);
afterAll(async () => {
  await Promise.all(emus.map((emu) => emu.close()));
  await rm(build.dir, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const emu of emus) await emu.reset();
});

const lockExists = async (emu: TestEmulator) => (await emu.api('GET', LOCK)).status === 200;
const hasClient = async (emu: TestEmulator) =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).some((c) => c.name === 'Slow');

interface Fleet {
  code: number;
  stderr: string;
  tenants: { name: string; code: number; error?: { message: string } }[];
}

function applyFleet(crash: string): Promise<Fleet> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TENANTCTL_TEST_FLEET_CRASH: crash };
  NAMES.forEach((n, i) => {
    const emu = emus[i] as TestEmulator;
    Object.assign(env, { [`${n}_DOMAIN`]: emu.url, [`${n}_ID`]: emu.clientId, [`${n}_SECRET`]: emu.clientSecret });
  });
  const args = [build.cli, 'apply', '--fleet', 'fleet.yaml', '--parallel', '3', '--auto-approve', '--output', 'json'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      // A process that died of the crash printed no summary: no tenants, and the test fails on them.
      let tenants: Fleet['tenants'] = [];
      try {
        tenants = (JSON.parse(stdout) as { tenants: Fleet['tenants'] }).tenants;
      } catch {
        tenants = [];
      }
      resolve({ code, stderr, tenants });
    });
  });
}

describe('apply --fleet when one tenant crashes', () => {
  for (const kind of ['rejection', 'exception']) {
    it(`an unhandled ${kind} in one tenant fails that tenant only; its lock is removed, the others finish`, async () => {
      // "two" is slow to create its client, so it holds its lock when the crash comes.
      await emus[1]?.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1 }]);
      const started = Date.now();
      const fleet = await applyFleet(`two:${kind}:800`);
      expect(fleet.code).toBe(1);
      expect(fleet.tenants.map((t) => [t.name, t.code])).toEqual([['one', 0], ['two', 1], ['three', 0]]);
      expect(fleet.tenants[1]?.error?.message).toContain(`crashed: test crash (${kind}) in two`);
      expect(fleet.stderr).toContain("two: tenantctl hit a bug in this tenant's run");
      expect(await hasClient(emus[0] as TestEmulator)).toBe(true);
      expect(await hasClient(emus[2] as TestEmulator)).toBe(true);
      for (const emu of emus) expect(await lockExists(emu)).toBe(false);
      // The fleet did not wait for the crashed tenant's slow create.
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);
  }

  it('a crash outside every tenant fails the tenants still running, removes their locks, exits 1', async () => {
    for (const emu of emus) await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 4000, probability: 1 }]);
    const fleet = await applyFleet('-:exception:1500');
    expect(fleet.code).toBe(1);
    expect(fleet.stderr).toContain("tenantctl hit a bug outside any one tenant's run");
    expect(fleet.stderr).toMatch(/Failing the tenants still running \((one|two|three)(, (one|two|three))*\)/);
    expect(fleet.tenants.every((t) => t.code === 1)).toBe(true);
    for (const emu of emus) expect(await lockExists(emu)).toBe(false);
  }, 60_000);
});
