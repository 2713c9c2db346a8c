import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  await emu.api('POST', '/api/v2/clients', { name: 'Legacy Batch', app_type: 'non_interactive' });
  dir = await writeTenant({
    'environments/test.yaml': 'keywords: {}\n',
    'clients.yaml': 'clients:\n  - { name: Pipe App, app_type: spa }\n  - { name: Legacy Batch, app_type: non_interactive }\n',
  });
});
afterAll(() => emu.close());

const noTrace = (text: string) => expect(text).not.toMatch(/hit a bug|\n\s+at /);

describe('--target that matches nothing is an error, with the closest matches', () => {
  it('a misspelt key suggests the declared resource', async () => {
    const res = await tenantctl(['plan', dir, '--env', 'test', '--target', 'clients/Pipe Ap'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("--target 'clients/Pipe Ap' matches no declared or live resource (did you mean clients/Pipe App?)");
    expect(res.stdout).not.toContain('No changes');
  });

  it('a wrong kind name suggests the kind, with the key when that resource exists', async () => {
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--target', 'client/Pipe App'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("unknown kind 'client' (did you mean clients/Pipe App?)");
    const kind = await tenantctl(['plan', dir, '--env', 'test', '--target', 'widgets'], { env });
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain("--target 'widgets': unknown kind 'widgets' (kinds are tenant, resourceServers, clients");
    noTrace(kind.stderr);
  });

  it('a live object that is not declared is a valid target, and a kind the manifests do not manage is not', async () => {
    const live = await tenantctl(['plan', dir, '--env', 'test', '--target', 'clients/Legacy Batch'], { env });
    expect(live.code, live.stderr).toBe(0);
    const unmanaged = await tenantctl(['plan', dir, '--env', 'test', '--target', 'connections'], { env });
    expect(unmanaged.code).toBe(1);
    expect(unmanaged.stderr).toContain('the manifests do not manage connections');
  });
});

describe('apply --plan takes nothing the saved plan already fixes', () => {
  it.each([
    [['DIR'], 'DIR'],
    [['--env', 'test'], '--env'],
    [['--allow-delete'], '--allow-delete'],
    [['--target', 'clients'], '--target'],
  ])('refuses %j', async (extra, named) => {
    const planFile = join(dir, 'plan.json');
    const made = await tenantctl(['plan', dir, '--env', 'test', '--out', planFile], { env });
    expect(made.code, made.stderr).toBe(0);
    const args = extra[0] === 'DIR' ? ['apply', dir, '--plan', planFile] : ['apply', '--plan', planFile, ...extra];
    const res = await tenantctl(args, { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot be combined with ${named}`);
    expect(res.stderr).toContain('the saved plan already fixes them');
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string }[];
    expect(clients.map((c) => c.name)).not.toContain('Pipe App');
  });
});

describe('files that look like manifests', () => {
  it('reads *.yml, and names *.YAML files and YAML files in subdirectories in a warning', async () => {
    const tenant = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'apis.yml': 'resourceServers:\n  - { name: Orders, identifier: https://orders.example/ }\n',
      'CLIENTS.YAML': 'clients:\n  - { name: Shouting }\n',
      'drafts/more.yaml': 'clients:\n  - { name: Draft }\n',
      'keys/jwks.yaml': 'keys: []\n',
      'security.yaml': 'signingKeys:\n  custom_signing_keys: { file: keys/custom.json }\n',
      'keys/custom.json': '{"keys":[]}\n',
    });
    const res = await tenantctl(['validate', tenant, '--env', 'test']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('1 resourceServers');
    expect(res.stderr).toContain('CLIENTS.YAML:1:1 warning [unread_file] CLIENTS.YAML is not read: only lower-case *.yaml and *.yml files are read; rename it to CLIENTS.yaml');
    expect(res.stderr).toContain('drafts/more.yaml is not read: only files at the top of the tenant directory are manifests');
    // keys/ holds the data a manifest points at: not a stray manifest.
    expect(res.stderr).not.toContain('keys/jwks.yaml');
  });
});

describe('--env', () => {
  it('is optional without environments/, and a keyword is then a located error', async () => {
    const plain = await writeTenant({ 'clients.yaml': 'clients:\n  - { name: No Env }\n' });
    const ok = await tenantctl(['validate', plain]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('(no environment)');
    const planned = await tenantctl(['plan', plain], { env });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('+ clients/No Env');

    await writeFile(join(plain, 'clients.yaml'), 'clients:\n  - { name: No Env, description: "@@DESC@@" }\n');
    const keyword = await tenantctl(['validate', plain]);
    expect(keyword.code).toBe(1);
    expect(keyword.stderr).toMatch(/clients\.yaml:2:\d+ error \[no_environment\] clients\/No Env: keyword 'DESC': there is no environment: .* has no environments\/ directory/);
    const named = await tenantctl(['validate', plain, '--env', 'dev']);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("no environment 'dev'");
    expect(named.stderr).toContain('Run without --env');
  });

  it('with environments/, a missing or unknown --env lists the environments there are', async () => {
    const missing = await tenantctl(['validate', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has environments: pass --env with one of test');
    const wrong = await tenantctl(['validate', dir, '--env', 'tset']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("no environment 'tset'");
    expect(wrong.stderr).toContain('(available: test)');
  });
});
