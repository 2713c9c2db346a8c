import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  await emu.resetStats();
});
afterEach(() => vi.unstubAllEnvs());

const ENV_FILE = 'environments/test.yaml';
const ROLES = 'roles:\n  - name: admin\n  - name: editor\n  - name: viewer\n';

const user = (email: string, roles?: string[]) =>
  `  - connection: ${DB}\n    email: ${email}\n${roles ? `    roles: [${roles.join(', ')}]\n` : ''}`;

const plan = (dir: string) => tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
const apply = (dir: string) => tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
const calls = async (route: string) => (await emu.stats()).byRoute[route] ?? 0;

async function createUser(email: string): Promise<string> {
  const res = await emu.api('POST', '/api/v2/users', { connection: DB, email, password: PASSWORD });
  expect(res.status).toBe(201);
  return (res.body as { user_id: string }).user_id;
}

async function userId(email: string): Promise<string> {
  const res = await emu.api('GET', `/api/v2/users-by-email?email=${encodeURIComponent(email)}`);
  return (res.body as { user_id: string }[])[0]?.user_id ?? '';
}

/** The user's roles as the API reports them. */
async function rolesOf(email: string): Promise<string[]> {
  const res = await emu.api('GET', `/api/v2/users/${encodeURIComponent(await userId(email))}/roles`);
  return (res.body as { name: string }[]).map((r) => r.name).sort();
}

describe('users with roles', () => {
  it('assigns roles to existing and newly imported users in batches per role, re-plans empty, then converges a change', async () => {
    for (const name of ['ann', 'bob', 'cat', 'dan']) await createUser(`${name}@example.com`);
    const manifest = (annRoles: string[]) =>
      `${ROLES}users:\n${user('ann@example.com', annRoles)}${user('bob@example.com', ['admin', 'viewer'])}${user('cat@example.com', ['viewer'])}${user('dan@example.com')}${user('new1@example.com', ['viewer'])}${user('new2@example.com', ['admin', 'editor'])}`;
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': manifest(['admin', 'editor']) });
    // dan declares no roles: a role given to him by hand is left alone.
    const hand = await emu.api('POST', '/api/v2/roles', { name: 'support' });
    const support = (hand.body as { id: string }).id;
    await emu.api('POST', `/api/v2/roles/${support}/users`, { users: [await userId('dan@example.com')] });
    await emu.resetStats();

    const first = await plan(dir);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain(`~ users/${DB}/ann@example.com`);
    expect(first.stdout).toContain(`~ users/${DB}/ann@example.com\n      roles:\n        + "admin"\n        + "editor"`);
    expect(first.stdout).toContain(`+ users/${DB}/new2@example.com`);
    expect(first.stdout).not.toContain(`users/${DB}/dan@example.com`);
    expect(first.stdout).toContain('users: roles of 5 users: 8 assignments in 3 calls of POST /roles/{id}/users');

    await emu.resetStats();
    const applied = await apply(dir);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await rolesOf('ann@example.com')).toEqual(['admin', 'editor']);
    expect(await rolesOf('bob@example.com')).toEqual(['admin', 'viewer']);
    expect(await rolesOf('cat@example.com')).toEqual(['viewer']);
    expect(await rolesOf('dan@example.com')).toEqual(['support']);
    expect(await rolesOf('new1@example.com')).toEqual(['viewer']);
    expect(await rolesOf('new2@example.com')).toEqual(['admin', 'editor']);
    // Eight assignments over three roles: one call per role, none per user; the new users came by import.
    expect(await calls('POST /api/v2/roles/{id}/users')).toBe(3);
    expect(await calls('POST /api/v2/users/{id}/roles')).toBe(0);
    expect(await calls('POST /api/v2/jobs/users-imports')).toBe(1);

    await emu.resetStats();
    const again = await plan(dir);
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(again.code).toBe(0);
    // Live roles are read per role (its members), not per user.
    expect(await calls('GET /api/v2/users/{id}/roles')).toBe(0);
    expect(await calls('GET /api/v2/roles/{id}/users')).toBe(4);

    const changed = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': manifest(['admin', 'viewer']) });
    const diff = await plan(changed);
    expect(diff.code).toBe(2);
    expect(diff.stdout).toContain(`~ users/${DB}/ann@example.com`);
    expect(diff.stdout).toContain('+ "viewer"');
    expect(diff.stdout).toContain('- "editor"');
    expect(diff.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    await emu.resetStats();
    const converged = await apply(changed);
    expect(converged.code, converged.stdout + converged.stderr).toBe(0);
    expect(await rolesOf('ann@example.com')).toEqual(['admin', 'viewer']);
    // A change of roles alone never writes the user itself.
    expect(await calls('PATCH /api/v2/users/{id}')).toBe(0);
    expect(await calls('DELETE /api/v2/users/{id}/roles')).toBe(1);
    expect(await calls('POST /api/v2/roles/{id}/users')).toBe(1);
    const last = await plan(changed);
    expect(last.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('batches a role given to many imported users: 100 users a call, ids found through one export job', async () => {
    vi.stubEnv('TENANTCTL_USERS_BULK_THRESHOLD', '30');
    const items = Array.from({ length: 230 }, (_, i) => user(`member${i}@example.com`, ['viewer'])).join('');
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': `${ROLES}users:\n${items}` });
    const res = await apply(dir);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(await calls('POST /api/v2/roles/{id}/users')).toBe(3);
    expect(await calls('GET /api/v2/users-by-email')).toBe(0);
    expect(await calls('POST /api/v2/jobs/users-exports')).toBe(1);
    const members = await emu.api('GET', `/api/v2/roles/${await roleId('viewer')}/users?take=100`);
    expect((members.body as { users: unknown[]; next?: string }).next).toBeDefined();
    expect(await rolesOf('member229@example.com')).toEqual(['viewer']);

    const again = await plan(dir);
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('says which users were written without their roles when a role call fails, and the next apply converges', async () => {
    await createUser('ann@example.com');
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `${ROLES}users:\n${user('ann@example.com', ['admin'])}    given_name: Ann\n`,
    });
    await emu.faults([{ method: 'POST', path: '/api/v2/roles/*', status: 400 }]);
    const failed = await apply(dir);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/tenant\.yaml:6: the user was written, but its roles were not all set/);
    expect(await rolesOf('ann@example.com')).toEqual([]);
    await emu.clearFaults();

    const diff = await plan(dir);
    expect(diff.stdout).toMatch(/roles:\n\s+\+ "admin"/);
    expect(diff.stdout).not.toContain('given_name');
    expect((await apply(dir)).code).toBe(0);
    expect(await rolesOf('ann@example.com')).toEqual(['admin']);
  });

  it('names an undeclared role at its manifest line with a did-you-mean when roles are managed', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `${ROLES}users:\n${user('ann@example.com', ['admin', 'editr'])}`,
    });
    const res = await tenantctl(['validate', dir, '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/tenant\.yaml:8:20 /);
    expect(res.stderr).toContain("role 'editr' is not declared in roles (did you mean 'editor'?)");
  });

  it('checks roles against the live tenant when roles are not managed', async () => {
    for (const name of ['auditor', 'billing', 'ops']) await emu.api('POST', '/api/v2/roles', { name });
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': `users:\n${user('ann@example.com', ['auditr'])}`,
    });
    const res = await plan(dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/users\.yaml:2:\d+/);
    expect(res.stderr).toContain("role 'auditr' does not exist in the tenant or the manifests (did you mean 'auditor'?)");

    const fixed = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': `users:\n${user('ann@example.com', ['auditor'])}`,
    });
    const applied = await apply(fixed);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await rolesOf('ann@example.com')).toEqual(['auditor']);

    // One user and three roles: reading the user's roles is one call, fewer than one per role.
    await emu.resetStats();
    expect((await plan(fixed)).stdout).toContain('No changes. The tenant matches the manifests.');
    expect(await calls('GET /api/v2/users/{id}/roles')).toBe(1);
    expect(await calls('GET /api/v2/roles/{id}/users')).toBe(0);
  });

  it('exports users with their roles by name, and the export plans empty', async () => {
    const role = await emu.api('POST', '/api/v2/roles', { name: 'auditor' });
    const ann = await createUser('ann@example.com');
    await createUser('bob@example.com');
    await emu.api('POST', `/api/v2/roles/${(role.body as { id: string }).id}/users`, { users: [ann] });
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const exported = await tenantctl(['export', '--out', dir, '--kinds', 'roles,users', '--env', 'test'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const text = await readFile(join(dir, 'users.yaml'), 'utf8');
    const [annItem, bobItem] = text.split('  - name: ').slice(1);
    expect(annItem).toContain('roles:\n      - auditor\n');
    // No roles: none written, so the exported item leaves them unmanaged.
    expect(bobItem).not.toContain('roles');
    const replan = await plan(dir);
    expect(replan.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(replan.code).toBe(0);
  });
});

describe('users: fields from the catalog', () => {
  it('manages phone fields, catches typos and bad values offline, and refuses a user_id the API cannot change', async () => {
    const id = await createUser('ann@example.com');
    const item = (extra: string) => `users:\n${user('ann@example.com')}${extra}`;
    const bad = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'users.yaml': item('    phone_number: "555-1234"\n    verify_emial: true\n'),
    });
    const checked = await tenantctl(['validate', bad, '--env', 'test'], { env });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/users\.yaml:4:\d+ .*phone_number/);
    expect(checked.stderr).toContain("did you mean 'verify_email'");

    const phone = `    phone_number: "+15550001234"\n    phone_verified: true\n    user_id: ${id.slice(id.indexOf('|') + 1)}\n`;
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': item(phone) });
    const applied = await apply(dir);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('phone_number: (unset) → "+15550001234"');
    const live = await emu.api('GET', `/api/v2/users/${encodeURIComponent(id)}`);
    expect(live.body).toMatchObject({ phone_number: '+15550001234', phone_verified: true });
    expect((await plan(dir)).stdout).toContain('No changes. The tenant matches the manifests.');

    const other = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': item('    user_id: someone-else\n') });
    const refused = await plan(other);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/users\.yaml:2:\d+: users\/.*user_id 'someone-else' differs from the live user's/);
  });
});

async function roleId(name: string): Promise<string> {
  const res = await emu.api('GET', `/api/v2/roles?name_filter=${name}`);
  return (res.body as { id: string }[])[0]?.id ?? '';
}
