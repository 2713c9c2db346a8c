import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const DB = 'Username-Password-Authentication';
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const ENV_FILE = 'environments/test.yaml';
const CLIENT = 'clients:\n  - name: Portal\n    app_type: regular_web\n';
const plan = (dir: string, ...more: string[]) =>
  tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode', ...more], { env });
const apply = (dir: string) => tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });

async function userByEmail(email: string): Promise<Record<string, unknown> | undefined> {
  const res = await emu.api('GET', `/api/v2/users-by-email?email=${encodeURIComponent(email)}`);
  return (res.body as Record<string, unknown>[])[0];
}

const user = (fields: string) => `users:\n  - connection: ${DB}\n${fields}`;

describe('users changed in place', () => {
  it('an item declaring user_id follows its user to a new email: one PATCH, same id, roles kept, then an empty re-plan', async () => {
    const before = (email: string) =>
      user(`    user_id: ann-1\n    email: ${email}\n    name: Ann\n    verify_email: false\n    verification_client: Portal\n    roles: [support]\n`);
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `${CLIENT}roles:\n  - name: support\n${before('ann@old.example.com')}`,
    });
    const made = await emu.api('POST', '/api/v2/users', {
      connection: DB,
      user_id: 'ann-1',
      email: 'ann@old.example.com',
      name: 'Ann',
      password: 'Correct-Horse-Battery-9',
    });
    expect(made.status).toBe(201);
    const first = await apply(dir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect((await plan(dir)).code).toBe(0);
    const created = await userByEmail('ann@old.example.com');
    expect(created?.user_id).toBe('auth0|ann-1');

    const moved = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `${CLIENT}roles:\n  - name: support\n${before('ann@new.example.com')}`,
    });
    const planned = await plan(moved);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain(`~ users/${DB}/ann@new.example.com`);
    expect(planned.stdout).toContain('"ann@old.example.com" → "ann@new.example.com"');
    expect(planned.stdout).not.toMatch(/[+-] users\//);

    // The PATCH carries the verification options with the email, the client resolved by name.
    const json = await tenantctl(['plan', moved, '--env', 'test', '--output', 'json'], { env });
    const change = (JSON.parse(json.stdout) as { changes: { action: string; body: Record<string, unknown> }[] }).changes;
    expect(change).toHaveLength(1);
    expect(change[0]?.action).toBe('update');
    expect(change[0]?.body).toEqual({ email: 'ann@new.example.com', verify_email: false, client_id: { $ref: 'clients/Portal' } });

    await emu.resetStats();
    const applied = await apply(moved);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const stats = await emu.stats();
    expect(stats.byRoute['PATCH /api/v2/users/{id}']).toBe(1);
    expect(stats.byRoute['POST /api/v2/users'] ?? 0).toBe(0);
    expect(stats.byRoute['DELETE /api/v2/users/{id}'] ?? 0).toBe(0);
    const after = await userByEmail('ann@new.example.com');
    expect(after?.user_id).toBe('auth0|ann-1');
    expect(await userByEmail('ann@old.example.com')).toBeUndefined();
    const roles = await emu.api('GET', `/api/v2/users/${encodeURIComponent('auth0|ann-1')}/roles`);
    expect((roles.body as { name: string }[]).map((r) => r.name)).toEqual(['support']);
    expect((await plan(moved)).code).toBe(0);
  });

  it('a phone number change sends the verification client; other changes send no request options', async () => {
    const manifest = (phone: string, name: string) =>
      `${CLIENT}${user(`    email: bo@example.com\n    name: ${name}\n    phone_number: "${phone}"\n    verify_phone_number: false\n    verification_client: Portal\n`)}`;
    const made = await emu.api('POST', '/api/v2/users', {
      connection: DB,
      email: 'bo@example.com',
      name: 'Bo',
      phone_number: '+14155550100',
      password: 'Correct-Horse-Battery-9',
    });
    expect(made.status).toBe(201);
    const dir = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': manifest('+14155550100', 'Bo') });
    expect((await apply(dir)).code).toBe(0);
    expect((await plan(dir)).code).toBe(0);
    const bodies = async (m: string) => {
      const d = await writeTenant({ [ENV_FILE]: 'keywords: {}\n', 'tenant.yaml': m });
      const out = await tenantctl(['plan', d, '--env', 'test', '--output', 'json'], { env });
      return { dir: d, bodies: (JSON.parse(out.stdout) as { changes: { body: unknown }[] }).changes.map((c) => c.body) };
    };
    const renamed = await bodies(manifest('+14155550100', 'Bo B'));
    expect(renamed.bodies).toEqual([{ name: 'Bo B' }]);
    const phone = await bodies(manifest('+14155550199', 'Bo'));
    expect(phone.bodies).toEqual([
      { phone_number: '+14155550199', verify_phone_number: false, client_id: { $ref: 'clients/Portal' } },
    ]);
    const applied = await apply(phone.dir);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect((await userByEmail('bo@example.com'))?.phone_number).toBe('+14155550199');
    expect((await plan(phone.dir)).code).toBe(0);
  });

  it('names an unknown verification client offline, with its file and line', async () => {
    const dir = await writeTenant({
      [ENV_FILE]: 'keywords: {}\n',
      'tenant.yaml': `${CLIENT}${user('    email: cy@example.com\n    verification_client: Nope\n')}`,
    });
    const out = await tenantctl(['validate', dir, '--env', 'test'], { env });
    expect(out.code).toBe(1);
    expect(out.stderr + out.stdout).toMatch(/tenant\.yaml:7.*client 'Nope' is not declared/);
  });
});
