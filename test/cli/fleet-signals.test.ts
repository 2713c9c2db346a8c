import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A fleet runs its tenants in one process, each holding its own apply lock: Ctrl-C must remove every one
// of them before the process ends, as it does for one tenant alone (test/cli/lock.test.ts).
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

describe('apply --fleet stopped with Ctrl-C', () => {
  it('removes the lock of every tenant it was applying, then ends by the signal', async () => {
    const tenant = { 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients:\n  - { name: Slow, app_type: non_interactive }\n' };
    const root = await writeTenant({
      'fleet.yaml': [
        'tenants:',
        '  - { name: one, dir: one, env: test, domain_env: ONE_DOMAIN, client_id_env: ONE_ID, client_secret_env: ONE_SECRET }',
        '  - { name: two, dir: two, env: test, domain_env: TWO_DOMAIN, client_id_env: TWO_ID, client_secret_env: TWO_SECRET }',
        '',
      ].join('\n'),
      ...Object.fromEntries(Object.entries(tenant).flatMap(([file, text]) => [[`one/${file}`, text], [`two/${file}`, text]])),
    });
    // Slow creates keep both applies inside their locks until the signal comes.
    for (const emu of [one, two]) await emu.faults([{ method: 'POST', path: '/api/v2/clients', latencyMs: 3000, probability: 1 }]);
    const child = spawn(process.execPath, [`${process.cwd()}/dist/bin/cli.js`, 'apply', '--fleet', 'fleet.yaml', '--parallel', '2', '--auto-approve'], {
      cwd: root,
      env: {
        ...process.env,
        ONE_DOMAIN: one.url, ONE_ID: one.clientId, ONE_SECRET: one.clientSecret,
        TWO_DOMAIN: two.url, TWO_ID: two.clientId, TWO_SECRET: two.clientSecret,
      },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    while (!((await lockExists(one)) && (await lockExists(two)))) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(await lockExists(one)).toBe(false);
    expect(await lockExists(two)).toBe(false);
  }, 30_000);
});
