import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Org = Record<string, unknown> & { id: string };
const QUOTA = { client_credentials: { enforce: true, per_day: 2000, per_hour: 100 } };

async function createOrg(body: Record<string, unknown>): Promise<Org> {
  const res = await emu.api('POST', '/api/v2/organizations', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Org;
}

describe('/api/v2/organizations', () => {
  it('creates with an org_ id, prints only what was set, and reads it back', async () => {
    const org = await createOrg({ name: 'acme-eu', display_name: 'Acme EU', token_quota: QUOTA });
    expect(org.id).toMatch(/^org_[A-Za-z0-9]{16}$/);
    expect(org).toEqual({ id: org.id, name: 'acme-eu', display_name: 'Acme EU', token_quota: QUOTA });
    expect((await emu.api('GET', `/api/v2/organizations/${org.id}`)).body).toEqual(org);
    expect((await emu.api('GET', '/api/v2/organizations/name/acme-eu')).body).toEqual(org);
  });

  it('refuses a duplicate name with 409, on create and on rename', async () => {
    const a = await createOrg({ name: 'alpha' });
    await createOrg({ name: 'beta' });
    const dup = await emu.api('POST', '/api/v2/organizations', { name: 'alpha' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ message: 'An organization with this name already exists.' });
    const rename = await emu.api('PATCH', `/api/v2/organizations/${a.id}`, { name: 'beta' });
    expect(rename.status).toBe(409);
  });

  it('validates names, metadata and quotas as the API does', async () => {
    const bad = async (body: unknown) => (await emu.api('POST', '/api/v2/organizations', body)).body;
    expect(await bad({ name: 'Acme Corp' })).toMatchObject({
      statusCode: 400,
      errorCode: 'invalid_body',
      message: expect.stringContaining('on property name'),
    });
    expect(await bad({ name: 'x'.repeat(51) })).toMatchObject({ statusCode: 400 });
    expect(await bad({ display_name: 'No name' })).toMatchObject({
      message: "Payload validation error: 'Missing required property: name'.",
    });
    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v']));
    expect(await bad({ name: 'meta', metadata: tooMany })).toMatchObject({ statusCode: 400 });
    expect(await bad({ name: 'q1', token_quota: { client_credentials: {} } })).toMatchObject({
      message: expect.stringContaining('Too few properties defined (0), minimum 1'),
    });
    expect(await bad({ name: 'q2', token_quota: { client_credentials: { per_day: 0 } } })).toMatchObject({
      message: expect.stringContaining('Value 0 is less than minimum 1'),
    });
    expect(await bad({ name: 'q3', token_quota: { client_credentials: { per_hour: 1.5 } } })).toMatchObject({
      statusCode: 400,
    });
    expect(await bad({ name: 'q4', token_quota: {} })).toMatchObject({
      message: expect.stringContaining('Missing required property: client_credentials'),
    });
  });

  it('PATCH replaces the quota, null removes it, and metadata merges with null deletes', async () => {
    const metadata = { tier: 'gold', region: 'eu' };
    const org = await createOrg({ name: 'gamma', metadata, token_quota: QUOTA });
    const changed = await emu.api('PATCH', `/api/v2/organizations/${org.id}`, {
      token_quota: { client_credentials: { per_day: 1000 } },
      metadata: { region: null, owner: 'ops' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      token_quota: { client_credentials: { per_day: 1000 } },
      metadata: { tier: 'gold', owner: 'ops' },
    });
    expect((changed.body as Org).metadata).not.toHaveProperty('region');
    const cleared = await emu.api('PATCH', `/api/v2/organizations/${org.id}`, { token_quota: null });
    expect(cleared.body).not.toHaveProperty('token_quota');
    // Omitting the quota in a later PATCH keeps whatever is there (TestAccOrganizationTokenQuota).
    await emu.api('PATCH', `/api/v2/organizations/${org.id}`, { token_quota: QUOTA });
    const kept = await emu.api('PATCH', `/api/v2/organizations/${org.id}`, { display_name: 'Gamma' });
    expect(kept.body).toMatchObject({ display_name: 'Gamma', token_quota: QUOTA });
  });

  it('deletes with 204 and answers 404 when deleting again', async () => {
    const org = await createOrg({ name: 'delta' });
    expect((await emu.api('DELETE', `/api/v2/organizations/${org.id}`)).status).toBe(204);
    const again = await emu.api('DELETE', `/api/v2/organizations/${org.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ message: 'No organization found by that id or name' });
    expect((await emu.api('GET', `/api/v2/organizations/${org.id}`)).status).toBe(404);
  });

  it('pages by offset (bare array or totals) and by checkpoint (next absent on the last page)', async () => {
    for (const name of ['o1', 'o2', 'o3']) await createOrg({ name });
    const bare = await emu.api('GET', '/api/v2/organizations?per_page=2&page=1');
    expect((bare.body as Org[]).map((o) => o.name)).toEqual(['o3']);
    const totals = await emu.api('GET', '/api/v2/organizations?include_totals=true&per_page=2');
    expect(totals.body).toMatchObject({ start: 0, limit: 2, total: 3 });
    const first = (await emu.api('GET', '/api/v2/organizations?include_totals=true&per_page=50&take=2'))
      .body as { organizations: Org[]; next?: string };
    expect(Object.keys(first).sort()).toEqual(['next', 'organizations']);
    expect(first.organizations.map((o) => o.name)).toEqual(['o1', 'o2']);
    const rest = (await emu.api('GET', `/api/v2/organizations?take=2&from=${first.next}`)).body as Record<
      string,
      unknown
    >;
    expect(rest).toEqual({ organizations: [expect.objectContaining({ name: 'o3' })] });
    const sorted = await emu.api('GET', '/api/v2/organizations?sort=name:-1');
    expect((sorted.body as Org[]).map((o) => o.name)).toEqual(['o3', 'o2', 'o1']);
  });
});

describe('organization enabled connections and members', () => {
  it('serves enabled connections (201, 409, offset envelope) and members with roles by checkpoint', async () => {
    // Its own emulator: the file's beforeEach resets the shared one between steps of other tests.
    const local = await startTestEmulator();
    try {
      const org = (await local.api('POST', '/api/v2/organizations', { name: 'wired' })).body as { id: string };
      const con = (await local.api('POST', '/api/v2/connections', { name: 'wired-db', strategy: 'auth0' })).body as { id: string };
      const base = `/api/v2/organizations/${org.id}`;
      const added = await local.api('POST', `${base}/enabled_connections`, { connection_id: con.id, assign_membership_on_login: true });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ connection_id: con.id, show_as_button: true, is_signup_enabled: false, connection: { name: 'wired-db' } });
      expect((await local.api('POST', `${base}/enabled_connections`, { connection_id: con.id })).status).toBe(409);
      const listed = (await local.api('GET', `${base}/enabled_connections?include_totals=true`)).body as { total: number };
      expect(listed.total).toBe(1);
      expect((await local.api('PATCH', `${base}/enabled_connections/${con.id}`, { show_as_button: false })).status).toBe(200);

      const user = (await local.api('POST', '/api/v2/users', { connection: 'wired-db', email: 'm@example.com', password: 'Very-Str0ng-Pass!' })).body as { user_id: string };
      const role = (await local.api('POST', '/api/v2/roles', { name: 'member-role' })).body as { id: string };
      expect((await local.api('POST', `${base}/members`, { members: [user.user_id] })).status).toBe(204);
      const rolesPath = `${base}/members/${encodeURIComponent(user.user_id)}/roles`;
      expect((await local.api('POST', rolesPath, { roles: [role.id] })).status).toBe(204);
      expect((await local.api('POST', rolesPath, { roles: [role.id] })).status).toBe(409);
      const page = (await local.api('GET', `${base}/members?take=1&fields=user_id,email,roles&include_fields=true`)).body;
      expect(page).toEqual({ members: [{ user_id: user.user_id, email: 'm@example.com', roles: [{ id: role.id, name: 'member-role' }] }] });
      expect((await local.api('DELETE', `${base}/enabled_connections/${con.id}`)).status).toBe(204);
      expect((await local.api('GET', `${base}/enabled_connections/${con.id}`)).status).toBe(404);
    } finally {
      await local.close();
    }
  });

  it("lists a user's organizations (offset envelope) and answers 404 for an unknown user", async () => {
    const org = await createOrg({ name: 'members-of' });
    await createOrg({ name: 'other' });
    const user = (await emu.api('POST', '/api/v2/users', {
      connection: 'Username-Password-Authentication',
      email: 'u@example.com',
      password: 'Very-Str0ng-Pass!',
    })).body as { user_id: string };
    const path = `/api/v2/users/${encodeURIComponent(user.user_id)}/organizations`;
    expect((await emu.api('GET', path)).body).toEqual([]);
    await emu.api('POST', `/api/v2/organizations/${org.id}/members`, { members: [user.user_id] });
    expect((await emu.api('GET', `${path}?include_totals=true`)).body).toEqual({
      organizations: [{ id: org.id, name: 'members-of' }],
      start: 0,
      limit: 50,
      total: 1,
    });
    const unknown = await emu.api('GET', '/api/v2/users/auth0%7Cnobody/organizations');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'The user does not exist.' } });
  });
});
