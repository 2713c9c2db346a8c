import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// `apply --output markdown` goes into a PR comment or a CI step summary, where GitHub renders it.
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

describe('apply --output markdown when a change fails', () => {
  it('gives the result as markdown: a bold summary and one list item per change, not one run-on paragraph', async () => {
    const dir = await writeTenant({
      'clients.yaml': 'clients:\n  - { name: Md Kept, app_type: spa }\n  - { name: Md Refused, app_type: spa }\n',
    });
    // The first create goes through, the second is refused.
    await emu.faults([{ method: 'POST', path: '/api/v2/clients', status: 400, nth: 2, times: 5 }]);
    const res = await tenantctl(['apply', dir, '--auto-approve', '--output', 'markdown'], { env });
    expect(res.code).toBe(1);
    const result = res.stdout.slice(res.stdout.indexOf('**Apply failed'));
    expect(result).toBe(
      '**Apply failed: 1 change(s) applied, 1 failed, 0 not attempted.**\n\n' +
        'Applied:\n- ✓ created clients/Md Kept\n\n' +
        'Failed:\n- ✗ create clients/Md Refused: POST /clients failed with 400: Injected fault\n\n' +
        'Run `tenantctl apply` again once the cause is fixed: it plans from the live tenant and converges.\n',
    );
  });
});
