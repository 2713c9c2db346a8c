import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  dir = await writeTenant({
    'environments/test.yaml': 'keywords: {}\n',
    'tenant.yaml': 'clients:\n  - { name: Web, description: v1 }\n',
  });
  expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
  // Someone edits the declared client and adds one by hand.
  const web = ((await emu.api('GET', '/api/v2/clients')).body as { name: string; client_id: string }[]).find(
    (c) => c.name === 'Web',
  );
  await emu.api('PATCH', `/api/v2/clients/${web?.client_id}`, { description: 'edited' });
  await emu.api('POST', '/api/v2/clients', { name: 'By Hand' });
});
afterAll(() => emu.close());

const run = (args: string[]) => tenantctl([...args, dir, '--env', 'test'], { env });
const addresses = (doc: { changes: { action: string; address: string }[] }) =>
  doc.changes.map((c) => `${c.action} ${c.address}`);

describe('drift and plan agree', () => {
  it('drift reports what plan would change, and lists undeclared objects apart, not as destroys', async () => {
    const plan = JSON.parse((await run(['plan', '--output', 'json'])).stdout);
    const drift = await run(['drift', '--output', 'json']);
    expect(drift.code).toBe(2);
    const doc = JSON.parse(drift.stdout);
    expect(addresses(doc)).toEqual(addresses(plan));
    expect(addresses(doc)).toEqual(['update clients/Web']);
    expect(doc.summary).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(doc.drifted).toBe(true);
    expect(doc.notInManifests).toEqual([
      { address: 'clients/By Hand', kind: 'clients', message: 'not in the manifests; pass --allow-delete to delete it' },
    ]);

    const text = await run(['drift']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Not in manifests (apply --allow-delete would delete them) (1):\n  ! clients/By Hand');
    expect(text.stdout).toContain(
      'Drift: 1 resource(s) differ from the manifests (0 to add, 1 to change, 0 to destroy); 1 live object(s) not in manifests.',
    );
    expect(text.stdout).not.toContain('- clients/By Hand');

    const md = await run(['drift', '--output', 'markdown']);
    expect(md.stdout).toContain('<details><summary>Not in manifests (apply --allow-delete would delete them) (1)</summary>');
    expect(md.stdout).not.toMatch(/\| delete \|/);
  });

  it('with --allow-delete, drift counts them as destroys exactly as plan --allow-delete does', async () => {
    const plan = JSON.parse((await run(['plan', '--allow-delete', '--output', 'json'])).stdout);
    const doc = JSON.parse((await run(['drift', '--allow-delete', '--output', 'json'])).stdout);
    expect(addresses(doc)).toEqual(addresses(plan));
    expect(addresses(doc)).toEqual(['update clients/Web', 'delete clients/By Hand']);
    expect(doc.notInManifests).toEqual([]);
    const text = await run(['drift', '--allow-delete']);
    expect(text.stdout).toContain('- clients/By Hand');
    expect(text.stdout).toContain('(0 to add, 1 to change, 1 to destroy)');
  });

  it('undeclared objects alone are drift (exit 2), without any declared difference', async () => {
    await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    const text = await run(['drift']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Drift: no declared resource differs; 1 live object(s) not in manifests.');
  });
});
