import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * Every file a message names is shown like the message's own location: relative to where tenantctl runs.
 * An absolute path in the middle of a relative report sends people hunting for the wrong checkout.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

/** The acme example plus a second file declaring one of its clients again, in `<tmp>/t`. */
async function acmeWithDuplicate(): Promise<{ parent: string; dir: string }> {
  const parent = await mkdtemp(join(tmpdir(), 'tenantctl-places-'));
  const dir = join(parent, 't');
  await cp('examples/tenants/acme', dir, { recursive: true });
  await writeFile(join(dir, 'more.yaml'), 'clients: [{name: Acme Web, app_type: spa}]\n');
  return { parent, dir };
}

describe('places named inside messages', () => {
  it('a duplicate names the first declaration relative to the cwd, in text and in JSON', async () => {
    const { parent, dir } = await acmeWithDuplicate();
    const text = await tenantctl(['validate', 't', '--env', 'dev'], { cwd: parent });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^t\/more\.yaml:1:\d+ error \[duplicate_key\] clients\/Acme Web: client 'Acme Web' is already declared at t\/clients\.yaml:\d+$/m);
    expect(text.stdout + text.stderr).not.toContain(parent);

    const json = await tenantctl(['validate', 't', '--env', 'dev', '--output', 'json'], { cwd: parent });
    const doc = JSON.parse(json.stdout) as { diagnostics: { file: string; message: string }[] };
    expect(doc.diagnostics).toContainEqual(
      expect.objectContaining({ file: 't/more.yaml', message: expect.stringMatching(/already declared at t\/clients\.yaml:\d+$/) }),
    );
    expect(json.stdout + json.stderr).not.toContain(parent);

    // From inside the directory, both places are bare file names.
    const inside = await tenantctl(['validate', '.', '--env', 'dev'], { cwd: dir });
    expect(inside.stderr).toMatch(/^more\.yaml:1:\d+ .*already declared at clients\.yaml:\d+$/m);
  });

  it('hints naming the environment file, and a missing environment, are relative too', async () => {
    const dir = await writeTenant({
      'environments/dev.yaml': 'keywords:\n  LEFTOVER: x\n',
      'tenant.yaml': 'clients:\n  - name: Web\n    description: "@@NOPE@@"\n',
    });
    const parent = dirname(dir);
    const name = dir.slice(parent.length + 1);
    const res = await tenantctl(['validate', name, '--env', 'dev'], { cwd: parent });
    expect(res.stderr).toContain(`hint: Define NOPE under \`keywords:\` in ${name}/environments/dev.yaml.`);
    expect(res.stderr).toContain(`hint: Remove it from ${name}/environments/dev.yaml, or use it as @@LEFTOVER@@`);
    const missing = await tenantctl(['validate', name, '--env', 'prod'], { cwd: parent });
    expect(missing.stderr).toContain(`no environment 'prod' in ${name}/environments (available: dev)`);
    expect(missing.stderr).toContain(`Create ${name}/environments/prod.yaml`);
    expect(res.stderr + missing.stderr).not.toContain(dir);
  });

  it('a plan refused for duplicates in the tenant, or for the wrong tenant, names the manifest relative', async () => {
    const AUD = 'https://places.example/';
    await emu.api('POST', '/api/v2/resource-servers', { identifier: AUD, name: 'Places' });
    for (let i = 0; i < 2; i++) await emu.api('POST', '/api/v2/clients', { name: 'Twice', app_type: 'spa' });
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'environments/other.yaml': 'tenant: other.eu.auth0.com\nkeywords: {}\n',
      'tenant.yaml': 'clients:\n  - name: Twice\n    app_type: spa\n',
    });
    const parent = dirname(dir);
    const name = dir.slice(parent.length + 1);
    const dups = await tenantctl(['plan', name, '--env', 'test'], { env: emulatorEnv(emu), cwd: parent });
    expect(dups.code).toBe(1);
    expect(dups.stderr).toContain(`Add \`id: <the one to keep>\` to the item at ${name}/tenant.yaml:2`);
    const bound = await tenantctl(['plan', name, '--env', 'other'], { env: emulatorEnv(emu), cwd: parent });
    expect(bound.code).toBe(1);
    expect(bound.stderr).toContain(`is bound to tenant other.eu.auth0.com (${name}/environments/other.yaml:1:9)`);
    expect(dups.stderr + bound.stderr).not.toContain(dir);
  });
});
