import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Sharp edges found by trying tenantctl as a new user: each test is what that user saw go wrong.
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const DB = 'Username-Password-Authentication';

describe('plan --target users/...', () => {
  it("counts in its users note only the users it targets, not every declared one", async () => {
    const users = ['a', 'b', 'c', 'd'].map((n) => `  - { email: ${n}@example.com, connection: ${DB} }\n`).join('');
    const dir = await writeTenant({ 'tenant.yaml': `connections:\n  - { name: ${DB}, strategy: auth0 }\nusers:\n${users}` });
    const all = await tenantctl(['plan', dir, '--output', 'json'], { env });
    expect(JSON.parse(all.stdout).notes.join('\n')).toContain('users: 4 to create via 1 import job');
    const one = await tenantctl(['plan', dir, '--output', 'json', '--target', `users/${DB}/b@example.com`], { env });
    expect(one.code, one.stderr).toBe(0);
    const plan = JSON.parse(one.stdout);
    expect(plan.changes.map((c: { address: string }) => c.address)).toEqual([`users/${DB}/b@example.com`]);
    expect(plan.notes.join('\n')).toContain('users: 1 to create via 1 import job');
    expect(plan.notes.join('\n')).not.toContain('4 to create');
  });
});

describe('an item with an unset secret and another problem', () => {
  const envFile = 'keywords:\n  WEB_SECRET: { env: EDGE_WEB_SECRET }\n  DESC: { env: EDGE_WEB_DESC }\n';
  const client = (extra: string) =>
    `clients:\n  - name: Web\n    app_type: ${extra}\n    client_secret: "@@WEB_SECRET@@"\n`;
  const errorsOf = (stdout: string) =>
    (JSON.parse(stdout).diagnostics as { severity: string; message: string; line: number }[]).filter((d) => d.severity === 'error');

  it('names only the variable the item needs, once, where it is used', async () => {
    const dir = await writeTenant({
      'environments/dev.yaml': envFile,
      'clients.yaml': `${client('non_interactive')}    description: "@@DESC@@"\n`,
    });
    const res = await tenantctl(['validate', dir, '--env', 'dev', '--output', 'json']);
    expect(res.code).toBe(1);
    const errors = errorsOf(res.stdout);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [5, "keyword 'DESC' cannot be used: environment variable EDGE_WEB_DESC is not set"],
    ]);
    // The secret was never needed to validate: setting the one variable named is the whole fix.
    const fixed = await tenantctl(['validate', dir, '--env', 'dev'], { env: { EDGE_WEB_DESC: 'a description' } });
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
  });

  it('reports a bad value alone, not the unset secret beside it', async () => {
    const dir = await writeTenant({ 'environments/dev.yaml': 'keywords:\n  WEB_SECRET: { env: EDGE_WEB_SECRET }\n', 'clients.yaml': client('bogus') });
    const res = await tenantctl(['validate', dir, '--env', 'dev', '--output', 'json']);
    expect(res.code).toBe(1);
    const errors = errorsOf(res.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("'app_type' must be one of");
    expect(res.stdout + res.stderr).not.toContain('EDGE_WEB_SECRET');
  });
});

describe('a secret keyword whose variable is unset, in a field that is compared', () => {
  it('is one report where it is used, not also the field it left missing', async () => {
    const dir = await writeTenant({
      'environments/dev.yaml': 'keywords:\n  KEY_PEM: { env: EDGE_KEY_PEM }\n',
      'clients.yaml': 'clients:\n  - name: Signed\n    app_type: non_interactive\n    credentials:\n      - { credential_type: public_key, name: k1, pem: "@@KEY_PEM@@" }\n',
    });
    const res = await tenantctl(['validate', dir, '--env', 'dev', '--output', 'json']);
    expect(res.code).toBe(1);
    const errors = (JSON.parse(res.stdout).diagnostics as { severity: string; message: string }[]).filter((d) => d.severity === 'error');
    expect(errors.map((e) => e.message)).toEqual(["keyword 'KEY_PEM' cannot be used: environment variable EDGE_KEY_PEM is not set"]);
  });
});

describe('plan --out FILE --output json when the file cannot be written', () => {
  it('prints one document with the plan and the error', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients:\n  - { name: Saved Web, app_type: spa }\n' });
    // A directory where the file should be: the plan is made, and only its saving fails.
    const res = await tenantctl(['plan', dir, '--out', dir, '--output', 'json'], { env });
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc.error).toMatchObject({ code: 'plan_out', message: expect.stringContaining(`cannot write the plan to ${dir}`) });
    expect(doc.plan.changes.map((c: { address: string }) => c.address)).toEqual(['clients/Saved Web']);
    expect(doc.plan.summary).toEqual({ add: 1, change: 0, destroy: 0 });
  });

  it('says the path is a directory and how to name the file, not to look at write access', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients:\n  - { name: Saved Web, app_type: spa }\n' });
    const res = await tenantctl(['plan', dir, '--out', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Error: cannot write the plan to ${dir}: it is a directory\n`);
    expect(res.stderr).toContain(`--out names the plan file itself, e.g. --out ${join(dir, 'plan.json')}.`);
    expect(res.stderr).not.toContain('EISDIR');
  });
});

describe('--output markdown when the run fails', () => {
  it('prints what failed and the manifests problems, for the PR comment, with exit code 1', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients:\n  - name: Md <Bad>\n    calbacks: []\n' });
    const res = await tenantctl(['plan', dir, '--output', 'markdown'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('### tenantctl plan failed');
    expect(res.stdout).toContain('**Error** (`invalid_manifests`): 2 error(s) in the manifests; nothing was sent to the tenant.');
    expect(res.stdout).toMatch(/- \*\*error\*\* `[^`]*clients\.yaml:3:5` \[unknown_field\] clients\[0\]: unknown field 'calbacks'/);
    // The name is user data: escaped, so it cannot become markup in the comment.
    expect(res.stdout).toContain('got "Md &lt;Bad&gt;"');
  });

  it('says the tenant could not be reached', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients: []\n' });
    const res = await tenantctl(['drift', dir, '--output', 'markdown'], { env: { ...env, AUTH0_DOMAIN: 'tenantctl-test.invalid' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('### tenantctl drift failed');
    expect(res.stdout).toContain('**Error** (`network`)');
    expect(res.stdout).toContain('tenantctl-test.invalid');
  });

  it('adds the failure below a plan it already printed', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients:\n  - { name: Md Saved, app_type: spa }\n' });
    const res = await tenantctl(['plan', dir, '--out', dir, '--output', 'markdown'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('`clients/Md Saved`');
    expect(res.stdout.indexOf('### tenantctl plan failed')).toBeGreaterThan(res.stdout.indexOf('`clients/Md Saved`'));
    expect(res.stdout).toContain('**Error** (`plan_out`)');
  });
});

// Node's recursive mkdir never settles under /proc: these ran until killed.
describe.skipIf(!existsSync('/proc/self'))('an --out path whose directory cannot be made', () => {
  const one = (text: string) => text.trim().split('\n')[0];

  it('plan --out fails at once with one line naming the directory, exit 1', { timeout: 10_000 }, async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients: []\n' });
    const res = await tenantctl(['plan', dir, '--out', '/proc/tenantctl-x/p.json'], { env });
    expect(res.code).toBe(1);
    expect(one(res.stderr)).toBe(
      'Error: cannot write the plan to /proc/tenantctl-x/p.json: cannot create the directory /proc/tenantctl-x: this file system does not take new directories there',
    );
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('export --out and convert --out too', { timeout: 10_000 }, async () => {
    const exported = await tenantctl(['export', '--out', '/proc/tenantctl-x/acme'], { env });
    expect(exported.code).toBe(1);
    expect(one(exported.stderr)).toBe('Error: --out: cannot create the directory /proc/tenantctl-x: this file system does not take new directories there');
    const source = await writeTenant({ 'tenant.yaml': 'clients: []\n' });
    const converted = await tenantctl(['convert', 'deploy-cli', join(source, 'tenant.yaml'), '--out', '/proc/tenantctl-x/acme']);
    expect(converted.code).toBe(1);
    expect(one(converted.stderr)).toBe('Error: --out: cannot create the directory /proc/tenantctl-x: this file system does not take new directories there');
  });
});

describe('an --out path through a file', () => {
  it('says which part is a file', async () => {
    const dir = await writeTenant({ 'clients.yaml': 'clients: []\n', 'notes.txt': 'a file\n' });
    const res = await tenantctl(['plan', dir, '--out', join(dir, 'notes.txt', 'sub', 'p.json'), '--output', 'json'], { env });
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).error.message).toBe(
      `cannot write the plan to ${join(dir, 'notes.txt', 'sub', 'p.json')}: cannot create the directory ${join(dir, 'notes.txt', 'sub')}: ${join(dir, 'notes.txt')} is a file, not a directory`,
    );
  });
});
