import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const DB = 'Username-Password-Authentication';
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
  env = { ...emulatorEnv(emu), USER_PASSWORD: PASSWORD };
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  await emu.resetStats();
  // A small bulk threshold, so the bulk path is exercised with a few dozen users.
  vi.stubEnv('TENANTCTL_USERS_BULK_THRESHOLD', '30');
});
afterEach(() => vi.unstubAllEnvs());

const ENV_FILE = 'environments/test.yaml';
const KEYWORDS = 'keywords:\n  USER_PASSWORD: { env: USER_PASSWORD }\n';

function usersYaml(n: number, extra = (_i: number) => ''): string {
  const items = Array.from(
    { length: n },
    (_, i) => `  - connection: ${DB}\n    email: user${i}@example.com\n    given_name: User ${i}\n${extra(i)}`,
  );
  return `users:\n${items.join('')}`;
}

const apply = (dir: string, more: string[] = []) =>
  tenantctl(['apply', dir, '--env', 'test', '--auto-approve', ...more], { env });
const replan = (dir: string) => tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
const calls = async (route: string) => (await emu.stats()).byRoute[route] ?? 0;

describe('users', () => {
  it('applies a small set through /api/v2/users, with env-bound passwords never shown or stored', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: KEYWORDS,
      'users.yaml': usersYaml(3, () => "    password: '@@USER_PASSWORD@@'\n"),
    });
    const file = join(dir, 'plan.json');
    const planned = await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('password: (sensitive)');
    expect(planned.stdout).toContain('users: 3 to create through /api/v2/users, one call each');
    const saved = await readFile(file, 'utf8');
    expect(saved).not.toContain(PASSWORD);
    expect(saved).toContain('"$env": "USER_PASSWORD"');

    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(PASSWORD);
    expect(await calls('POST /api/v2/users')).toBe(3);
    expect(await calls('POST /api/v2/jobs/users-imports')).toBe(0);

    // The password is write-only: never read back, never a perpetual diff.
    const second = await replan(dir);
    expect(second.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(second.code).toBe(0);
  });

  it('sends the password: a weak one is refused by the connection policy, naming the manifest line', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: KEYWORDS,
      'users.yaml': usersYaml(1, () => "    password: '@@USER_PASSWORD@@'\n"),
    });
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env: { ...env, USER_PASSWORD: 'abc12' } });
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain('PasswordStrengthError: Password is too weak');
    expect(res.stdout + res.stderr).toMatch(/users\.yaml:2/);
  });

  it('refuses a password written in the manifest, with a hint to bind it to an environment variable', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': usersYaml(1, () => `    password: ${PASSWORD}\n`),
    });
    const res = await tenantctl(['validate', dir, '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("'password' of a user must come from an environment variable");
    expect(res.stderr).toContain('users.yaml:5');
    expect(res.stderr).toContain('{ env: USER_PASSWORD }');
    expect(res.stdout + res.stderr).not.toContain(PASSWORD);
  });

  it('applies a set above the threshold through import jobs and re-reads it through an export job', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': usersYaml(40) });
    const first = await apply(dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/users: 40 to create via 1 import job \(bulk path above 30 users\)/);
    expect(first.stdout).toContain('Apply complete: 40 added');
    expect(await calls('POST /api/v2/jobs/users-imports')).toBe(1);
    expect(await calls('POST /api/v2/users')).toBe(0);

    await emu.resetStats();
    const second = await replan(dir);
    expect(second.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(second.stdout).toContain('users: read 40 live users through a users-export job');
    expect(second.code).toBe(0);
    expect(await calls('POST /api/v2/jobs/users-exports')).toBe(1);
    expect(await calls('GET /api/v2/users')).toBe(1);
  });

  it('reads back an export whose lines cross the download chunks, multi-byte names included', async () => {
    // ~120 bytes a line, mostly multi-byte: 400 lines cross gunzip's 16 KB chunks, inside a character too.
    const items = Array.from({ length: 400 }, (_, i) => `  - { connection: ${DB}, email: zoe${i}@example.com, given_name: "Zoë Ωμέγα 🚀 ${i} ééééé" }\n`);
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': `users:\n${items.join('')}` });
    const applied = await apply(dir);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const again = await replan(dir);
    expect(again.stdout).toContain('users: read 400 live users through a users-export job');
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(again.code).toBe(0);
  });

  it('reports per-user import errors with the manifest file and line of each failed user', async () => {
    await emu.api('POST', '/api/v2/users', { connection: DB, email: 'owner@example.com', username: 'taken', password: PASSWORD });
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': usersYaml(35, (i) => (i === 7 ? '    username: taken\n' : '')),
    });
    const res = await apply(dir);
    expect(res.code).toBe(1);
    const out = res.stdout + res.stderr;
    // Item 7 starts on line 2 + 7 * 3 = 23.
    expect(out).toMatch(/users\.yaml:23: import job job_\w{16} rejected this user: CONFLICT_USERNAME/);
    expect(out).toContain(`users/${DB}/user7@example.com`);
    const live = (await emu.api('GET', '/api/v2/users?per_page=100&include_totals=true')).body as { total: number };
    expect(live.total).toBe(35); // the owner and the 34 others
  });

  it('updates many users through an upsert import, and blocked only through PATCH', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': usersYaml(40) });
    expect((await apply(dir)).code).toBe(0);
    const changed = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': usersYaml(40, (i) =>
        i === 0 ? '    blocked: true\n' : `    user_metadata: { tier: gold, n: ${i} }\n`,
      ),
    });
    await emu.resetStats();
    const res = await apply(changed);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('users: 39 to update via 1 import job');
    expect(res.stdout).toContain('users: 1 to update through /api/v2/users, one call each');
    expect(await calls('PATCH /api/v2/users/{id}')).toBe(1);
    expect((await replan(changed)).code).toBe(0);
  });
});
