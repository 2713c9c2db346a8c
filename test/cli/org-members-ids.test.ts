import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Issue #11: the plan reads organization members (and the users, when it manages them), so apply sets
// members from what the plan read: only writes, no second read of the members, no users-by-email.
const DB = 'Username-Password-Authentication';
const ENV_FILE = 'environments/test.yaml';
const MEMBERS = 'GET /api/v2/organizations/{id}/members';
const BY_EMAIL = 'GET /api/v2/users-by-email';
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  for (let i = 0; i < 4; i += 1) await createUser(i);
});

async function createUser(i: number): Promise<string> {
  const res = await emu.api('POST', '/api/v2/users', { connection: DB, email: `u${i}@example.com`, password: 'Correct-Horse-Battery-9' });
  expect(res.status).toBe(201);
  return (res.body as { user_id: string }).user_id;
}

const users = (n: number) =>
  `users:\n${Array.from({ length: n }, (_, i) => `  - { connection: ${DB}, email: u${i}@example.com }\n`).join('')}`;
const member = (i: number, roles: string[]) => `      - { email: u${i}@example.com, connection: ${DB}, roles: [${roles.join(', ')}] }\n`;
function tenant(members: string, withUsers = true): Record<string, string> {
  const orgs = [0, 1, 2].map((i) => `  - name: org-${i}\n    display_name: Org ${i}\n    members:\n${members}`).join('');
  return {
    [ENV_FILE]: 'keywords: {}\n',
    'tenant.yaml': `roles:\n  - name: r1\n  - name: r2\norganizations:\n${orgs}${withUsers ? users(4) : ''}`,
  };
}
const before = member(0, ['r1']) + member(1, []);
// u0's roles change, u1 leaves, u2 joins with a role.
const after = member(0, ['r2']) + member(2, ['r2']);

async function take(route: string): Promise<number> {
  return (await emu.stats()).byRoute[route] ?? 0;
}

async function setUp(withUsers = true): Promise<string> {
  const dir = await writeTenant(tenant(before, withUsers));
  expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
  return writeTenant(tenant(after, withUsers));
}

async function orgMembers(name: string): Promise<{ email: string; roles: { name: string }[] }[]> {
  const org = (await emu.api('GET', `/api/v2/organizations/name/${name}`)).body as { id: string };
  const res = await emu.api('GET', `/api/v2/organizations/${org.id}/members?fields=user_id,email,roles&include_fields=true`);
  return res.body as { email: string; roles: { name: string }[] }[];
}

describe('organization members at apply come from the plan', () => {
  it('an apply of member changes in 3 organizations reads members only in its plan, and no users-by-email', async () => {
    const dir = await setUp();
    await emu.resetStats();
    expect((await tenantctl(['plan', dir, '--env', 'test'], { env })).code).toBe(0);
    const planReads = await take(MEMBERS);
    expect(planReads).toBe(3);
    expect(await take(BY_EMAIL)).toBe(0);
    await emu.resetStats();

    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
    expect(await take(MEMBERS)).toBe(planReads);
    expect(await take(BY_EMAIL)).toBe(0);
    // Exactly the writes: one add and one removal per organization, u0's role swapped, u2's role added.
    const stats = (await emu.stats()).byRoute;
    expect(stats['POST /api/v2/organizations/{id}/members']).toBe(3);
    expect(stats['DELETE /api/v2/organizations/{id}/members']).toBe(3);
    expect(stats['POST /api/v2/organizations/{id}/members/{id}/roles']).toBe(6);
    expect(stats['DELETE /api/v2/organizations/{id}/members/{id}/roles']).toBe(3);

    const members = await orgMembers('org-1');
    expect(members.map((m) => [m.email, m.roles.map((r) => r.name)]).sort()).toEqual([
      ['u0@example.com', ['r2']],
      ['u2@example.com', ['r2']],
    ]);
    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('a saved plan carries the ids (no secrets) and its apply reads members only to check staleness', async () => {
    const dir = await setUp();
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const saved = await readFile(file, 'utf8');
    expect(saved).not.toMatch(/"password"|Correct-Horse|secret/i);
    const plan = JSON.parse(saved) as { refs: Record<string, string> };
    expect(Object.keys(plan.refs)).toContain(`users/${DB}/u2@example.com`);
    await emu.resetStats();
    const res = await tenantctl(['apply', '--plan', file], { env });
    expect(res.code).toBe(0);
    expect(await take(MEMBERS)).toBe(3);
    expect(await take(BY_EMAIL)).toBe(0);
  });

  it('a member replaced by another user with the same email and roles makes a saved plan stale, nothing written', async () => {
    const dir = await setUp();
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    // By hand: u1 in org-0 becomes a different user with the same email (same roles: none), so the
    // compared fields do not move, only the member's id.
    const org = (await emu.api('GET', '/api/v2/organizations/name/org-0')).body as { id: string };
    const old = (await emu.api('GET', `/api/v2/users-by-email?email=u1@example.com`)).body as { user_id: string }[];
    expect((await emu.api('DELETE', `/api/v2/users/${old[0]?.user_id ?? ''}`)).status).toBe(204);
    const fresh = await createUser(1);
    expect((await emu.api('POST', `/api/v2/organizations/${org.id}/members`, { members: [fresh] })).status).toBe(204);
    await emu.resetStats();
    const res = await tenantctl(['apply', '--plan', file], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('plan is stale');
    expect(res.stderr).toContain('organizations/org-0 members changed since the plan');
    const writes = Object.entries((await emu.stats()).byRoute).filter(([route]) => /^(POST|DELETE|PATCH) .*organizations/.test(route));
    expect(writes).toEqual([]);
  });

  it('a new member whose user was recreated since the plan makes a saved plan stale', async () => {
    const dir = await setUp();
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const old = (await emu.api('GET', `/api/v2/users-by-email?email=u2@example.com`)).body as { user_id: string }[];
    expect((await emu.api('DELETE', `/api/v2/users/${old[0]?.user_id ?? ''}`)).status).toBe(204);
    await createUser(2);
    const res = await tenantctl(['apply', '--plan', file], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`users/${DB}/u2@example.com (referenced) was deleted since the plan`);
    expect((await orgMembers('org-0')).map((m) => m.email).sort()).toEqual(['u0@example.com', 'u1@example.com']);
  });

  it('without the users section, new members are still found by email at apply (the plan cannot know them)', async () => {
    const dir = await setUp(false);
    await emu.resetStats();
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
    expect(await take(MEMBERS)).toBe(3);
    expect(await take(BY_EMAIL)).toBe(3);
  });
});
