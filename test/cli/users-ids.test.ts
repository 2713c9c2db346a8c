import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Issue #11: an import job names its connection by id, and the plan's live read already holds every
// connection's id, so apply must not read /connections again to find it.
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
  // A small bulk threshold, so 40 users take the import path.
  vi.stubEnv('TENANTCTL_USERS_BULK_THRESHOLD', '30');
});
afterEach(() => vi.unstubAllEnvs());

const ENV_FILE = 'environments/test.yaml';
const CONNECTIONS = 'GET /api/v2/connections';

function usersYaml(connection: string, n: number): string {
  const items = Array.from({ length: n }, (_, i) => `  - connection: ${connection}\n    email: user${i}@example.com\n`);
  return `users:\n${items.join('')}`;
}

async function calls(route: string): Promise<number> {
  const n = (await emu.stats()).byRoute[route] ?? 0;
  await emu.resetStats();
  return n;
}

describe('users import jobs use the connection ids the plan read', () => {
  it('an apply reads /connections no more than its plan does, and a saved plan carries the id', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': usersYaml(DB, 40) });
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const planReads = await calls(CONNECTIONS);
    expect(planReads).toBeGreaterThan(0);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { refs: Record<string, string> };
    const live = (await emu.api('GET', `/api/v2/connections?name=${DB}`)).body as { id: string }[];
    expect(saved.refs[`connections/${DB}`]).toBe(live[0]?.id);
    await emu.resetStats();

    const direct = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain('Apply complete: 40 added');
    expect((await emu.stats()).byRoute['POST /api/v2/jobs/users-imports']).toBe(1);
    expect(await calls(CONNECTIONS)).toBe(planReads);
  });

  it('a saved plan applied later reads /connections only to check it is not stale', async () => {
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'users.yaml': usersYaml(DB, 40) });
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const planReads = await calls(CONNECTIONS);
    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete: 40 added');
    expect(await calls(CONNECTIONS)).toBe(planReads);
  });

  it('imports into a connection created in the same apply with the id its create answered', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `connections:\n  - name: ${DB}\n    strategy: auth0\n  - name: staff-db\n    strategy: auth0\n`,
      'users.yaml': usersYaml('staff-db', 40),
    });
    expect((await tenantctl(['plan', dir, '--env', 'test'], { env })).code).toBe(0);
    const planReads = await calls(CONNECTIONS);
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Apply complete: 41 added');
    expect(await calls(CONNECTIONS)).toBe(planReads);
    // The users are in the new connection: a new plan finds every one of them.
    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(again.code).toBe(0);
  });
});
