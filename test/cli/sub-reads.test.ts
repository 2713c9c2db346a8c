import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const ENV_FILE = 'environments/test.yaml';
const DB = 'Username-Password-Authentication';
const orgs = (n: number, extra = '') =>
  `organizations:\n${Array.from({ length: n }, (_, i) => `  - name: org-${i}\n    display_name: Org ${i}\n${i === 0 ? extra : ''}`).join('')}`;
const calls = async (route: string) => (await emu.stats()).byRoute[route] ?? 0;

describe('sub-resources are read only where a manifest declares them', () => {
  it('organizations without members or connections cost one list read, not two more per organization', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': `${orgs(6)}roles:\n  - name: r1\n` });
    expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
    await emu.resetStats();
    expect((await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env })).code).toBe(0);
    expect(await calls('GET /api/v2/organizations')).toBe(1);
    expect(await calls('GET /api/v2/organizations/{id}/members')).toBe(0);
    expect(await calls('GET /api/v2/organizations/{id}/enabled_connections')).toBe(0);
    expect(await calls('GET /api/v2/roles/{id}/permissions')).toBe(0);
  });

  it('one organization declaring members makes the plan read members (and only members), and drift in them shows', async () => {
    const res = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'm@example.com', password: 'Correct-Horse-Battery-9' });
    expect(res.status).toBe(201);
    const members = `    members:\n      - { email: m@example.com, connection: ${DB} }\n`;
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': orgs(3, members) });
    expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
    await emu.resetStats();
    expect((await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env })).code).toBe(0);
    expect(await calls('GET /api/v2/organizations/{id}/members')).toBe(3);
    expect(await calls('GET /api/v2/organizations/{id}/enabled_connections')).toBe(0);

    // Someone removes the member by hand: the plan sees it.
    const list = await emu.api('GET', '/api/v2/organizations/name/org-0');
    const id = (list.body as { id: string }).id;
    const userId = (res.body as { user_id: string }).user_id;
    expect((await emu.api('DELETE', `/api/v2/organizations/${id}/members`, { members: [userId] })).status).toBe(204);
    const drift = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('~ organizations/org-0');
  });

  it('a saved plan records what it read, so its apply re-reads the same and is not stale', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': orgs(2) });
    expect((await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env })).code).toBe(0);
    const changed = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': orgs(2).replace('Org 1', 'Org One') });
    const file = join(changed, 'plan.json');
    expect((await tenantctl(['plan', changed, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { subReads: Record<string, string[]> };
    expect(saved.subReads).toEqual({ organizations: [] });
    await emu.resetStats();
    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await calls('GET /api/v2/organizations/{id}/members')).toBe(0);
    expect(await calls('PATCH /api/v2/organizations/{id}')).toBe(1);
  });
});
