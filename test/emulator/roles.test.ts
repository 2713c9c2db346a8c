import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const DB = 'Username-Password-Authentication';
const API = 'https://api.example.com/orders';

type Role = { id: string; name: string; description?: string };

async function createRole(body: Record<string, unknown>): Promise<Role> {
  const res = await emu.api('POST', '/api/v2/roles', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Role;
}

async function createUser(userId: string): Promise<string> {
  const res = await emu.api('POST', '/api/v2/users', {
    connection: DB,
    user_id: userId,
    email: `${userId}@example.com`,
    password: 'passpass$12$12',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { user_id: string }).user_id;
}

async function createApi(): Promise<string> {
  const res = await emu.api('POST', '/api/v2/resource-servers', {
    name: 'Orders',
    identifier: API,
    scopes: [
      { value: 'read:orders', description: 'Read orders' },
      { value: 'create:orders', description: 'Create orders' },
    ],
  });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

const perm = (permission_name: string) => ({ resource_server_identifier: API, permission_name });
const enc = encodeURIComponent;

describe('/api/v2/roles', () => {
  it('creates with 200 and a rol_ id, reads, renames, lists by name and deletes with 200 {} then 404', async () => {
    const owner = await createRole({ name: 'Owner', description: 'Owns things' });
    expect(owner.id).toMatch(/^rol_[A-Za-z0-9]{16}$/);
    expect(owner).toEqual({ id: owner.id, name: 'Owner', description: 'Owns things' });
    const admin = await createRole({ name: 'Admin' });
    expect(admin).toEqual({ id: admin.id, name: 'Admin' });
    expect((await emu.api('GET', `/api/v2/roles/${owner.id}`)).body).toEqual(owner);

    const list = await emu.api('GET', '/api/v2/roles?include_totals=true');
    expect(list.body).toEqual({ start: 0, limit: 50, total: 2, roles: [admin, owner] });
    const filtered = await emu.api('GET', '/api/v2/roles?name_filter=own');
    expect(filtered.body).toEqual([owner]);

    const patched = await emu.api('PATCH', `/api/v2/roles/${admin.id}`, { description: 'Admins' });
    expect(patched).toMatchObject({ status: 200, body: { id: admin.id, name: 'Admin', description: 'Admins' } });
    const clash = await emu.api('PATCH', `/api/v2/roles/${admin.id}`, { name: 'Owner' });
    expect(clash).toMatchObject({ status: 409, body: { message: 'The role already exists.' } });
    expect((await emu.api('POST', '/api/v2/roles', { name: 'Owner' })).status).toBe(409);

    expect(await emu.api('DELETE', `/api/v2/roles/${owner.id}`)).toMatchObject({ status: 200, body: {} });
    const again = await emu.api('DELETE', `/api/v2/roles/${owner.id}`);
    expect(again).toMatchObject({ status: 404, body: { statusCode: 404, message: 'The role does not exist.' } });
    expect((await emu.api('GET', `/api/v2/roles/${owner.id}`)).status).toBe(404);
  });

  it('validates bodies with the API wording', async () => {
    const missing = await emu.api('POST', '/api/v2/roles', { description: 'x' });
    expect(missing.body).toMatchObject({
      statusCode: 400,
      errorCode: 'invalid_body',
      message: "Payload validation error: 'Missing required property: name'.",
    });
    const extra = await emu.api('POST', '/api/v2/roles', { name: 'a', permissions: [] });
    expect(extra.body).toMatchObject({
      message: "Payload validation error: 'Additional properties not allowed: permissions'.",
    });
    const role = await createRole({ name: 'r' });
    const empty = await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, { permissions: [] });
    expect(empty.body).toMatchObject({
      message: "Payload validation error: 'Array is too short (0), minimum 1' on property permissions.",
    });
  });

  it('assigns, lists and removes role permissions; unknown APIs and scopes are 404s', async () => {
    await createApi();
    const role = await createRole({ name: 'Editor' });
    const add = await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, {
      permissions: [perm('read:orders'), perm('create:orders')],
    });
    expect(add).toMatchObject({ status: 201, body: {} });
    const list = await emu.api('GET', `/api/v2/roles/${role.id}/permissions?include_totals=true`);
    expect(list.body).toEqual({
      start: 0,
      limit: 50,
      total: 2,
      permissions: [
        { permission_name: 'create:orders', description: 'Create orders', resource_server_name: 'Orders', resource_server_identifier: API },
        { permission_name: 'read:orders', description: 'Read orders', resource_server_name: 'Orders', resource_server_identifier: API },
      ],
    });

    const noApi = await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, {
      permissions: [{ resource_server_identifier: 'https://nope', permission_name: 'read:orders' }],
    });
    expect(noApi.status).toBe(404);
    const noScope = await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, { permissions: [perm('delete:orders')] });
    expect(noScope.status).toBe(404);
    expect((await emu.api('POST', '/api/v2/roles/rol_0000000000000000/permissions', { permissions: [perm('read:orders')] })).status).toBe(404);

    const del = await emu.api('DELETE', `/api/v2/roles/${role.id}/permissions`, { permissions: [perm('create:orders')] });
    expect(del.status).toBe(200);
    const after = await emu.api('GET', `/api/v2/roles/${role.id}/permissions`);
    expect((after.body as unknown[]).map((p) => (p as { permission_name: string }).permission_name)).toEqual(['read:orders']);
  });

  it("drops a permission from every list once its scope or API is gone", async () => {
    const apiId = await createApi();
    const role = await createRole({ name: 'Editor' });
    await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, { permissions: [perm('read:orders'), perm('create:orders')] });
    await emu.api('PATCH', `/api/v2/resource-servers/${apiId}`, { scopes: [{ value: 'read:orders' }] });
    const list = await emu.api('GET', `/api/v2/roles/${role.id}/permissions`);
    expect(list.body).toEqual([{ permission_name: 'read:orders', resource_server_name: 'Orders', resource_server_identifier: API }]);
    await emu.api('DELETE', `/api/v2/resource-servers/${apiId}`);
    expect((await emu.api('GET', `/api/v2/roles/${role.id}/permissions`)).body).toEqual([]);
  });
});

describe('role members and user permissions', () => {
  it('assigns roles to a user (204), lists them both ways, and removes them', async () => {
    const userId = await createUser('alice');
    const owner = await createRole({ name: 'Owner' });
    const admin = await createRole({ name: 'Admin', description: 'Administrator' });
    const path = `/api/v2/users/${enc(userId)}/roles`;
    expect((await emu.api('POST', path, { roles: [admin.id, owner.id] })).status).toBe(204);
    expect((await emu.api('POST', path, { roles: [admin.id] })).status).toBe(204); // idempotent

    const roles = await emu.api('GET', `${path}?include_totals=true&page=0&per_page=100`);
    expect(roles.body).toEqual({ start: 0, limit: 100, total: 2, roles: [admin, owner] });

    const members = await emu.api('GET', `/api/v2/roles/${admin.id}/users`);
    expect(members.body).toEqual([
      { user_id: userId, picture: expect.any(String), name: 'alice@example.com', email: 'alice@example.com' },
    ]);
    const checkpoint = await emu.api('GET', `/api/v2/roles/${admin.id}/users?take=10`);
    expect(checkpoint.body).toEqual({ users: [expect.objectContaining({ user_id: userId })] });
    const cap = await emu.api('GET', `/api/v2/roles/${admin.id}/users?page=10&per_page=100`);
    expect(cap.status).toBe(400);

    expect((await emu.api('DELETE', path, { roles: [owner.id] })).status).toBe(204);
    expect((await emu.api('GET', path)).body).toEqual([admin]);

    const unknownRole = await emu.api('POST', path, { roles: ['rol_0000000000000000'] });
    expect(unknownRole).toMatchObject({ status: 404, body: { message: 'The role does not exist.' } });
    const unknownUser = await emu.api('GET', `/api/v2/users/${enc('auth0|nobody')}/roles`);
    expect(unknownUser).toMatchObject({ status: 404, body: { errorCode: 'inexistent_user' } });
  });

  it('assigns users to a role with POST /roles/{id}/users', async () => {
    const userId = await createUser('bob');
    const role = await createRole({ name: 'Viewer' });
    expect((await emu.api('POST', `/api/v2/roles/${role.id}/users`, { users: [userId] })).status).toBe(200);
    expect((await emu.api('GET', `/api/v2/users/${enc(userId)}/roles`)).body).toEqual([role]);
    const unknown = await emu.api('POST', `/api/v2/roles/${role.id}/users`, { users: ['auth0|nobody'] });
    expect(unknown.status).toBe(404);
  });

  it('lists direct permissions (201 {} on assign) and those from roles, each with its sources', async () => {
    await createApi();
    const userId = await createUser('carol');
    const path = `/api/v2/users/${enc(userId)}/permissions`;
    const add = await emu.api('POST', path, { permissions: [perm('create:orders'), perm('read:orders')] });
    expect(add).toMatchObject({ status: 201, body: {} });
    const direct = { source_id: '', source_name: '', source_type: 'DIRECT' };
    const list = await emu.api('GET', `${path}?include_totals=true&page=0&per_page=100`);
    expect(list.body).toEqual({
      start: 0,
      limit: 100,
      total: 2,
      permissions: [
        { permission_name: 'create:orders', description: 'Create orders', resource_server_name: 'Orders', resource_server_identifier: API, sources: [direct] },
        { permission_name: 'read:orders', description: 'Read orders', resource_server_name: 'Orders', resource_server_identifier: API, sources: [direct] },
      ],
    });

    const role = await createRole({ name: 'Reader' });
    await emu.api('POST', `/api/v2/roles/${role.id}/permissions`, { permissions: [perm('read:orders')] });
    await emu.api('POST', `/api/v2/users/${enc(userId)}/roles`, { roles: [role.id] });
    expect((await emu.api('DELETE', path, { permissions: [perm('create:orders'), perm('read:orders')] })).status).toBe(204);
    const viaRole = await emu.api('GET', path);
    expect(viaRole.body).toEqual([
      {
        permission_name: 'read:orders',
        description: 'Read orders',
        resource_server_name: 'Orders',
        resource_server_identifier: API,
        sources: [{ source_id: role.id, source_name: 'Reader', source_type: 'ROLE' }],
      },
    ]);
  });

  it('forgets the assignments of a deleted user, even when a user with the same id comes back', async () => {
    await createApi();
    const userId = await createUser('dave');
    const role = await createRole({ name: 'Reader' });
    await emu.api('POST', `/api/v2/users/${enc(userId)}/roles`, { roles: [role.id] });
    await emu.api('POST', `/api/v2/users/${enc(userId)}/permissions`, { permissions: [perm('read:orders')] });
    expect((await emu.api('DELETE', `/api/v2/users/${enc(userId)}`)).status).toBe(204);
    expect((await emu.api('GET', `/api/v2/roles/${role.id}/users`)).body).toEqual([]);
    await new Promise((r) => setTimeout(r, 5)); // a new created_at
    await createUser('dave');
    expect((await emu.api('GET', `/api/v2/users/${enc(userId)}/roles`)).body).toEqual([]);
    expect((await emu.api('GET', `/api/v2/users/${enc(userId)}/permissions`)).body).toEqual([]);
  });
});
