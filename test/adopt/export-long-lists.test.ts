import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * A tenant of many confidential clients has as many secret variables: the export names the first ones and
 * says where the rest are, instead of a screen of names per hundred clients; JSON still lists them all.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  for (let i = 0; i < 30; i++) {
    const made = await emu.api('POST', '/api/v2/clients', { name: `Worker ${String(i).padStart(2, '0')}`, app_type: 'non_interactive' });
    expect(made.status).toBe(201);
  }
}, 60_000);
afterAll(() => emu.close());

it('lists 20 secret variables of 30 and points at the environment file for the rest', async () => {
  const env = emulatorEnv(emu);
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-long-'));
  const res = await tenantctl(['export', '--out', dir, '--kinds', 'clients', '--env', 'prod'], { env });
  expect(res.code, res.stdout + res.stderr).toBe(0);
  const listed = res.stdout.split('\n').filter((line) => /^ {2}WORKER_\d\d_CLIENT_SECRET$/.test(line));
  expect(listed).toHaveLength(20);
  expect(listed[0]).toBe('  WORKER_00_CLIENT_SECRET');
  expect(res.stdout).toContain('  ... and 10 more: every one is bound in environments/prod.yaml (--output json lists them all)\n');
  const bindings = await readFile(join(dir, 'environments', 'prod.yaml'), 'utf8');
  expect(bindings).toContain('env: WORKER_29_CLIENT_SECRET');

  const json = await tenantctl(['export', '--out', dir, '--kinds', 'clients', '--env', 'prod', '--output', 'json'], { env });
  expect(json.code, json.stderr).toBe(0);
  expect((JSON.parse(json.stdout) as { variables: string[] }).variables.filter((v) => v.startsWith('WORKER_'))).toHaveLength(30);
});
