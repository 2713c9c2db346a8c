import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const SECRET = 'hunter2-super-secret-value';
let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), HOOK_TOKEN: SECRET };
  dir = await writeTenant({
    'environments/test.yaml': 'keywords:\n  HOOK_TOKEN: { env: HOOK_TOKEN }\n',
    'tenant.yaml':
      'clients:\n  - name: Hooked\n    client_metadata:\n      hook_token: "@@HOOK_TOKEN@@"\n      team: ops\n',
  });
});
afterAll(() => emu.close());

describe('values bound to environment variables', () => {
  it('are sent to the tenant but never printed or stored in a plan file', async () => {
    const file = join(dir, 'plan.json');
    const outputs = [
      await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'json'], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'markdown'], { env }),
    ];
    for (const res of outputs) {
      expect(res.code).toBe(0);
      expect(res.stdout + res.stderr).not.toContain(SECRET);
    }
    expect(outputs[0]?.stdout).toContain('client_metadata: (sensitive)');
    const saved = await readFile(file, 'utf8');
    expect(saved).not.toContain(SECRET);
    expect(saved).toContain('"$env": "HOOK_TOKEN"');

    const missing = await tenantctl(['apply', '--plan', file], { env: { ...env, HOOK_TOKEN: undefined } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HOOK_TOKEN');

    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(SECRET);
    const clients = (await emu.api('GET', '/api/v2/clients')).body as {
      name: string;
      client_metadata?: Record<string, string>;
    }[];
    expect(clients.find((c) => c.name === 'Hooked')?.client_metadata).toEqual({
      hook_token: SECRET,
      team: 'ops',
    });
  });

  it('stay hidden in drift output when the live value differs', async () => {
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string; client_id: string }[];
    const id = clients.find((c) => c.name === 'Hooked')?.client_id;
    await emu.api('PATCH', `/api/v2/clients/${id}`, {
      client_metadata: { hook_token: 'leaked-old-token-value' },
    });
    const drift = await tenantctl(['drift', dir, '--env', 'test'], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('client_metadata');
    expect(drift.stdout + drift.stderr).not.toContain(SECRET);
    expect(drift.stdout).not.toContain('leaked-old-token-value');
  });
});
