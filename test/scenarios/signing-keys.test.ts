import { describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('signing-keys');

describe('signing keys: manifest checks', () => {
  it('refuses private key members, inline or in a JWKS file, with file:line and without echoing them', async () => {
    const emu = await startTestEmulator();
    try {
      const dir = await writeTenant({
        'environments/test.yaml': 'keywords: {}\n',
        'security.yaml': [
          'signingKeys:',
          '  custom_signing_keys:',
          '    - kty: RSA',
          '      n: AQAB',
          '      e: AQAB',
          '      d: TOP-SECRET-EXPONENT',
          '',
        ].join('\n'),
      });
      const inline = await tenantctl(['plan', dir, '--env', 'test'], { env: emulatorEnv(emu) });
      expect(inline.code).toBe(1);
      expect(inline.stderr).toMatch(/security\.yaml:6:\d+.*'custom_signing_keys\[0\]\.d': is private key material/);
      expect(inline.stderr + inline.stdout).not.toContain('TOP-SECRET-EXPONENT');

      const fromFile = await writeTenant({
        'environments/test.yaml': 'keywords: {}\n',
        'security.yaml': 'signingKeys:\n  custom_signing_keys:\n    file: jwks.json\n',
        'jwks.json': JSON.stringify({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'TOP-SECRET-PRIME' }] }),
      });
      const file = await tenantctl(['plan', fromFile, '--env', 'test'], { env: emulatorEnv(emu) });
      expect(file.code).toBe(1);
      expect(file.stderr).toMatch(/security\.yaml:3:\d+.*jwks\.json: keys\[0\]\.p: is private key material/);
      expect(file.stderr + file.stdout).not.toContain('TOP-SECRET-PRIME');

      const missing = await writeTenant({
        'environments/test.yaml': 'keywords: {}\n',
        'security.yaml': 'signingKeys:\n  custom_signing_keys:\n    file: nowhere.json\n',
      });
      const absent = await tenantctl(['plan', missing, '--env', 'test'], { env: emulatorEnv(emu) });
      expect(absent.stderr).toMatch(/nowhere\.json: cannot read the file \(ENOENT\)/);
    } finally {
      await emu.close();
    }
  });
});
