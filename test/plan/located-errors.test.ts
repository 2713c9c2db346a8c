import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe('errors found at plan time', () => {
  it('point at the manifest item they concern', async () => {
    // Valid offline: clients are not managed here and the API is marked external; only the tenant knows.
    const dir = await writeTenant({
      'environments/dev.yaml': 'keywords: {}\n',
      'grants.yaml': [
        'externalApis: [https://api.example.com/missing]',
        'clientGrants:',
        '  - client: Ghost App',
        '    audience: https://api.example.com/missing',
        '',
      ].join('\n'),
    });
    const res = await tenantctl(['plan', '.', '--env', 'dev'], { cwd: dir, env: emulatorEnv(emu) });
    expect(res.code).toBe(1);
    const address = 'clientGrants/Ghost App -> https://api.example.com/missing';
    expect(res.stderr).toContain(`grants.yaml:3:5: ${address}: client 'Ghost App' does not exist in the tenant or the manifests`);
    expect(res.stderr).toContain(
      `grants.yaml:3:5: ${address}: audience 'https://api.example.com/missing' is not a resource server in the tenant or the manifests`,
    );
  });
});
