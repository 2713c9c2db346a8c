import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Mistakes a new user makes on day one, each answered with what to do instead of a puzzle.
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const ENV = { 'environments/dev.yaml': 'keywords:\n  URL: https://app.example\n' };

describe('manifest files', () => {
  it('refuses a file that is not UTF-8 instead of renaming its objects with replacement characters', async () => {
    const dir = await writeTenant(ENV);
    await writeFile(join(dir, 'clients.yaml'), Buffer.from('clients:\n  - name: W\xe9b\n', 'latin1'));
    const res = await tenantctl(['validate', dir, '--env', 'dev']);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain('clients.yaml: it is not UTF-8 text (another encoding, such as Latin-1?)');
    await writeFile(join(dir, 'clients.yaml'), Buffer.from('\ufeffclients: []\n', 'utf16le'));
    const utf16 = await tenantctl(['validate', dir, '--env', 'dev']);
    expect(utf16.stdout + utf16.stderr).toContain('clients.yaml: it is UTF-16 text; save it as UTF-8');
  });

  it('reads a UTF-8 file with a byte-order mark as the text it holds', async () => {
    const dir = await writeTenant({ ...ENV, 'clients.yaml': '\ufeffclients:\n  - name: Wéb\n    initiate_login_uri: "##URL##/login"\n' });
    const res = await tenantctl(['validate', dir, '--env', 'dev', '--output', 'json']);
    expect(res.code, res.stdout).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ valid: true, counts: { clients: 1 } });
  });

  it('says to quote a keyword written unquoted, as the deploy tool allows', async () => {
    const dir = await writeTenant({ ...ENV, 'clients.yaml': 'clients:\n  - name: Web\n    initiate_login_uri: @@URL@@\n' });
    const res = await tenantctl(['validate', dir, '--env', 'dev']);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain("A keyword written as a whole value must be quoted: '@@NAME@@'");
  });

  it('says a file given as the tenant directory is a file', async () => {
    const dir = await writeTenant({ ...ENV, 'clients.yaml': 'clients: []\n' });
    const res = await tenantctl(['validate', join(dir, 'clients.yaml'), '--env', 'dev']);
    expect(res.stdout + res.stderr).toContain('clients.yaml\' is a file, not a directory');
  });
});

describe('AUTH0_DOMAIN', () => {
  it('without a scheme, against a plain-HTTP emulator, says to write http://', async () => {
    const dir = await writeTenant({ ...ENV, 'clients.yaml': 'clients: []\n' });
    const hostPort = emu.url.replace(/^http:\/\//, '');
    const res = await tenantctl(['plan', dir, '--env', 'dev'], {
      env: { AUTH0_DOMAIN: hostPort, AUTH0_CLIENT_ID: emu.clientId, AUTH0_CLIENT_SECRET: emu.clientSecret },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`https://${hostPort} does not speak HTTPS`);
    expect(res.stderr).toContain(`AUTH0_DOMAIN=http://${hostPort}`);
  });
});
