import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown>;

async function ok(method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await emu.api(method, path, body);
  expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body as Obj;
}

/** A user with one role carrying read:orders and a direct grant of read:orders and write:orders. */
async function setUp(): Promise<string> {
  await ok('POST', '/api/v2/resource-servers', {
    name: 'Orders',
    identifier: 'https://orders.test',
    scopes: [{ value: 'read:orders', description: 'Read' }, { value: 'write:orders' }],
  });
  const role = await ok('POST', '/api/v2/roles', { name: 'reader' });
  const perms = (names: string[]) => ({
    permissions: names.map((permission_name) => ({ resource_server_identifier: 'https://orders.test', permission_name })),
  });
  await ok('POST', `/api/v2/roles/${String(role.id)}/permissions`, perms(['read:orders']));
  const user = await ok('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email: 'eve@example.com',
    password: 'Correct-Horse-9-Battery',
  });
  const id = encodeURIComponent(String(user.user_id));
  await ok('POST', `/api/v2/users/${id}/roles`, { roles: [role.id] });
  await ok('POST', `/api/v2/users/${id}/permissions`, perms(['read:orders', 'write:orders']));
  return id;
}

describe('a user\'s effective roles and permissions', () => {
  it('lists direct roles and merges direct and role permissions with their sources', async () => {
    const id = await setUp();
    const roles = await ok('GET', `/api/v2/users/${id}/effective-roles`);
    expect(roles).toEqual({ roles: [{ id: expect.any(String), name: 'reader', description: '', sources: ['direct'] }] });
    const perms = (await ok('GET', `/api/v2/users/${id}/effective-permissions?take=1`)) as { permissions: Obj[]; next?: string };
    expect(perms.permissions).toEqual([
      {
        permission_name: 'read:orders',
        description: 'Read',
        resource_server_name: 'Orders',
        resource_server_identifier: 'https://orders.test',
        sources: ['direct', 'roles'],
      },
    ]);
    const rest = await ok('GET', `/api/v2/users/${id}/effective-permissions?take=1&from=${String(perms.next)}`);
    expect(rest).toEqual({ permissions: [expect.objectContaining({ permission_name: 'write:orders', sources: ['direct'] })] });
    const filtered = await ok('GET', `/api/v2/users/${id}/effective-permissions?resource_server_identifier=https%3A%2F%2Fother`);
    expect(filtered).toEqual({ permissions: [] });
    expect((await emu.api('GET', '/api/v2/users/auth0%7Cnobody/effective-roles')).status).toBe(404);
  });
});

describe('sessions, tokens and enrollments of a user who never logged in', () => {
  it('reads as empty envelopes and revokes as no-ops with the spec statuses', async () => {
    const id = await setUp();
    const u = `/api/v2/users/${id}`;
    expect(await ok('GET', `${u}/sessions?take=10`)).toEqual({ sessions: [] });
    expect(await ok('GET', `${u}/refresh-tokens`)).toEqual({ tokens: [] });
    expect(await ok('GET', `${u}/authentication-methods`)).toEqual([]);
    expect(await ok('GET', `${u}/authentication-methods?include_totals=true`)).toEqual({
      start: 0,
      limit: 50,
      total: 0,
      authenticators: [],
    });
    expect(await ok('GET', `${u}/enrollments`)).toEqual([]);
    expect(await ok('GET', `${u}/connected-accounts`)).toEqual({ connected_accounts: [] });
    expect((await emu.api('DELETE', `${u}/sessions`)).status).toBe(202);
    expect((await emu.api('DELETE', `${u}/refresh-tokens`)).status).toBe(202);
    expect((await emu.api('POST', `${u}/revoke-access`, {})).status).toBe(202);
    expect((await emu.api('DELETE', `${u}/authenticators`)).status).toBe(204);
    expect((await emu.api('DELETE', `${u}/multifactor/guardian`)).status).toBe(204);
    expect((await emu.api('GET', '/api/v2/users/auth0%7Cnobody/sessions')).status).toBe(404);
    expect((await emu.api('DELETE', '/api/v2/users/auth0%7Cnobody/sessions')).status).toBe(404);
  });
});

describe("an organization member's effective roles", () => {
  it('lists the roles the member holds in that organization, checkpoint paged', async () => {
    const id = await setUp();
    const org = await ok('POST', '/api/v2/organizations', { name: 'acme' });
    const base = `/api/v2/organizations/${String(org.id)}/members`;
    await ok('POST', base, { members: [decodeURIComponent(id)] });
    const path = `${base}/${id}/effective-roles`;
    expect(await ok('GET', path)).toEqual({ roles: [] });
    const admin = await ok('POST', '/api/v2/roles', { name: 'admin', description: 'Admins' });
    const reader = ((await ok('GET', '/api/v2/roles?name_filter=reader')) as unknown as Obj[])[0] as Obj;
    await emu.api('POST', `${base}/${id}/roles`, { roles: [admin.id, reader.id] });
    const first = (await ok('GET', `${path}?take=1`)) as { roles: Obj[]; next?: string };
    expect(first.roles).toEqual([{ id: admin.id, name: 'admin', description: 'Admins', sources: ['direct'] }]);
    expect(await ok('GET', `${path}?take=1&from=${String(first.next)}`)).toEqual({
      roles: [{ id: reader.id, name: 'reader', description: '', sources: ['direct'] }],
    });
    expect((await emu.api('GET', `${base}/auth0%7Cnobody/effective-roles`)).status).toBe(404);
  });
});
