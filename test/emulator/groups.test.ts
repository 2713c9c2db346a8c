import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { insufficientScope, scopedApi } from '../helpers/scoped.js';

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

async function expectError(method: string, path: string, status: number, message: string | RegExp, body?: unknown) {
  const res = await emu.api(method, path, body);
  expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(status);
  expect((res.body as Obj).message).toMatch(message);
}

const GROUP = 'grp_abcdefghijkmnopq';

/** Two roles (one carrying read:orders), a user holding both, an organization with the user as member. */
async function setUp(): Promise<{ user: string; reader: string; other: string; org: string }> {
  await ok('POST', '/api/v2/resource-servers', { name: 'Orders', identifier: 'https://orders.test', scopes: [{ value: 'read:orders' }] });
  const reader = String((await ok('POST', '/api/v2/roles', { name: 'reader', description: 'Reads' })).id);
  const other = String((await ok('POST', '/api/v2/roles', { name: 'other' })).id);
  await ok('POST', `/api/v2/roles/${reader}/permissions`, {
    permissions: [{ resource_server_identifier: 'https://orders.test', permission_name: 'read:orders' }],
  });
  const created = await ok('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email: 'eve@example.com',
    password: 'Correct-Horse-9-Battery',
  });
  const user = encodeURIComponent(String(created.user_id));
  await ok('POST', `/api/v2/users/${user}/roles`, { roles: [reader, other] });
  const org = String((await ok('POST', '/api/v2/organizations', { name: 'acme' })).id);
  await ok('POST', `/api/v2/organizations/${org}/members`, { members: [created.user_id] });
  return { user, reader, other, org };
}

describe('groups (none exist in the emulator)', () => {
  it("answers a user's, a role's and an organization's groups with their empty envelopes", async () => {
    const { user, reader, org } = await setUp();
    expect(await ok('GET', `/api/v2/users/${user}/groups`)).toEqual([]);
    expect(await ok('GET', `/api/v2/users/${user}/groups?include_totals=true`)).toEqual({ total: 0, start: 0, limit: 50, groups: [] });
    expect(await ok('GET', `/api/v2/users/${user}/groups?take=5`)).toEqual({ groups: [] });
    expect(await ok('GET', `/api/v2/roles/${reader}/groups`)).toEqual({ groups: [] });
    expect(await ok('GET', `/api/v2/organizations/${org}/groups?take=10`)).toEqual({ groups: [] });
    await expectError('GET', '/api/v2/users/auth0%7Cnobody/groups', 404, 'The user does not exist.');
    await expectError('GET', '/api/v2/roles/rol_nope/groups', 404, 'The role does not exist.');
    await expectError('GET', '/api/v2/organizations/org_nope/groups', 404, 'Organization not found.');
    await expectError('GET', `/api/v2/roles/${reader}/groups?take=0`, 400, /take/);
  });

  it('cannot assign groups to roles or roles to organization groups', async () => {
    const { reader, org } = await setUp();
    await expectError('POST', `/api/v2/roles/${reader}/groups`, 404, 'Group not found.', { groups: [GROUP] });
    await expectError('DELETE', `/api/v2/roles/${reader}/groups`, 404, 'Group not found.', { groups: [GROUP] });
    await expectError('POST', `/api/v2/roles/${reader}/groups`, 400, /groups/, { groups: ['not-a-group'] });
    await expectError('POST', `/api/v2/roles/${reader}/groups`, 400, /groups/, { groups: [] });
    await expectError('POST', '/api/v2/roles/rol_nope/groups', 404, 'Role not found.', { groups: [GROUP] });
    await expectError('DELETE', '/api/v2/roles/rol_nope/groups', 404, 'The role does not exist.', { groups: [GROUP] });
    const groupRoles = `/api/v2/organizations/${org}/groups/${GROUP}/roles`;
    await expectError('GET', groupRoles, 404, 'Group not found.');
    await expectError('POST', groupRoles, 404, 'Group not found.', { roles: [reader] });
    await expectError('DELETE', groupRoles, 404, 'Group not found.', { roles: [reader] });
    await expectError('POST', groupRoles, 400, /roles/, { roles: [] });
    await expectError('GET', `/api/v2/organizations/org_nope/groups/${GROUP}/roles`, 404, 'Organization not found.');
  });

  it("answers the groups a user's or a member's role comes from: none, once user and role exist", async () => {
    const { user, reader, org } = await setUp();
    expect(await ok('GET', `/api/v2/users/${user}/effective-roles/sources/groups?role_id=${reader}`)).toEqual({ groups: [] });
    await expectError('GET', `/api/v2/users/${user}/effective-roles/sources/groups`, 400, /Missing required property: role_id/);
    await expectError('GET', `/api/v2/users/${user}/effective-roles/sources/groups?role_id=rol_nope`, 404, 'The role does not exist.');
    const member = `/api/v2/organizations/${org}/members/${user}/effective-roles/sources/groups`;
    expect(await ok('GET', `${member}?role_id=${reader}&take=3`)).toEqual({ groups: [] });
    await expectError('GET', member, 400, /role_id/);
    await expectError('GET', `/api/v2/organizations/org_nope/members/${user}/effective-roles/sources/groups?role_id=${reader}`, 404, 'Organization not found.');
    await expectError('GET', `/api/v2/organizations/${org}/members/auth0%7Cnobody/effective-roles/sources/groups?role_id=${reader}`, 404, 'The user does not exist.');
  });

  it('names the roles that give a user a permission', async () => {
    const { user, reader } = await setUp();
    const path = `/api/v2/users/${user}/effective-permissions/sources/effective-roles`;
    const q = 'resource_server_identifier=https%3A%2F%2Forders.test&permission_name=read%3Aorders';
    expect(await ok('GET', `${path}?${q}`)).toEqual({ roles: [{ id: reader, name: 'reader', description: 'Reads', sources: ['direct'] }] });
    expect(await ok('GET', `${path}?resource_server_identifier=https%3A%2F%2Forders.test&permission_name=write%3Aorders`)).toEqual({ roles: [] });
    await expectError('GET', `${path}?permission_name=read%3Aorders`, 400, /resource_server_identifier/);
    await expectError('GET', `/api/v2/users/auth0%7Cnobody/effective-permissions/sources/effective-roles?${q}`, 404, /does not exist/);
  });

  it('checks the group scopes', async () => {
    const { user, reader } = await setUp();
    const call = await scopedApi(emu, ['read:users']);
    expect((await call('GET', `/api/v2/users/${user}/groups`)).body).toEqual(insufficientScope('read:groups'));
    expect((await call('POST', `/api/v2/roles/${reader}/groups`, { groups: [GROUP] })).body).toEqual(insufficientScope('create:group_roles'));
    const groups = await scopedApi(emu, ['read:groups', 'read:group_roles']);
    expect((await groups('GET', `/api/v2/users/${user}/groups`)).status).toBe(200);
    expect((await groups('GET', `/api/v2/roles/${reader}/groups`)).status).toBe(200);
  });
});

describe('no-op answers of a tenant where nobody logs in', () => {
  it('clears risk assessments (204, body checked) and deletes token sets nobody made (204)', async () => {
    const { user } = await setUp();
    const clear = `/api/v2/users/${user}/risk-assessments/clear`;
    expect((await emu.api('POST', clear, { connection: 'Username-Password-Authentication', assessors: ['new-device'] })).status).toBe(204);
    await expectError('POST', clear, 400, /assessors/, { connection: 'Username-Password-Authentication', assessors: ['old-device'] });
    await expectError('POST', clear, 400, /connection/, { assessors: ['new-device'] });
    expect((await emu.api('DELETE', `/api/v2/users/${user}/federated-connections-tokensets/ts_1`)).status).toBe(204);
    await expectError('DELETE', `/api/v2/users/${user}/federated-connections-tokensets/${'x'.repeat(37)}`, 400, /tokenset_id/);
    const call = await scopedApi(emu, ['read:federated_connections_tokens']);
    expect((await call('DELETE', `/api/v2/users/${user}/federated-connections-tokensets/ts_1`)).body).toEqual(
      insufficientScope('delete:federated_connections_tokens'),
    );
  });

  it('accepts an on-demand directory synchronization once provisioning is set up, then 409 while it is pending', async () => {
    const conn = await ok('POST', '/api/v2/connections', {
      name: 'workspace',
      strategy: 'google-apps',
      options: { domain: 'example.com', client_id: 'cid', client_secret: 'secret' },
    });
    const sync = `/api/v2/connections/${String(conn.id)}/directory-provisioning/synchronizations`;
    await expectError('POST', sync, 404, 'Directory provisioning configuration not found');
    await ok('POST', `/api/v2/connections/${String(conn.id)}/directory-provisioning`, {});
    const res = await emu.api('POST', sync);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ connection_id: conn.id, synchronization_id: expect.stringMatching(/^sync_/), status: 'pending' });
    await expectError('POST', sync, 409, 'A synchronization has already been requested or is in progress for the connection');
    await expectError('POST', '/api/v2/connections/con_0000000000000000/directory-provisioning/synchronizations', 404, /connection does not exist/);
  });

  it('a pending synchronization survives a restart from the state file', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-sync-')), 'tenant.json');
    let own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
    try {
      const made = await own.api('POST', '/api/v2/connections', {
        name: 'workspace',
        strategy: 'google-apps',
        options: { domain: 'example.com', client_id: 'cid', client_secret: 'secret' },
      });
      const base = `/api/v2/connections/${String((made.body as Obj).id)}/directory-provisioning`;
      expect((await own.api('POST', base, {})).status).toBe(201);
      expect((await own.api('POST', `${base}/synchronizations`)).status).toBe(201);
      await own.close();
      own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
      expect((await own.api('POST', `${base}/synchronizations`)).status).toBe(409);
    } finally {
      await own.close();
    }
  });
});
