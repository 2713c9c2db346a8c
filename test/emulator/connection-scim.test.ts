import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown>;

async function connection(name: string, strategy: string, options: Obj = {}): Promise<string> {
  const res = await emu.api('POST', '/api/v2/connections', { name, strategy, options });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

const SCIM_KEYS = [
  'connection_id',
  'connection_name',
  'created_at',
  'mapping',
  'strategy',
  'tenant_name',
  'updated_on',
  'user_id_attribute',
];

describe('/api/v2/connections/{id}/scim-configuration', () => {
  it('creates with the default mapping (201), reads, replaces (200), lists and deletes (204)', async () => {
    const id = await connection('okta-workforce', 'okta', { domain: 'acme.okta.com', client_id: 'x', client_secret: 'y' });
    const path = `/api/v2/connections/${id}/scim-configuration`;
    expect((await emu.api('GET', path)).status).toBe(404);

    const created = await emu.api('POST', path);
    expect(created.status).toBe(201);
    const body = created.body as Obj & { mapping: Obj[] };
    expect(Object.keys(body).sort()).toEqual(SCIM_KEYS);
    expect(body).toMatchObject({ connection_id: id, connection_name: 'okta-workforce', strategy: 'okta' });
    expect(body.user_id_attribute).toBe('externalId');
    const defaults = (await emu.api('GET', `${path}/default-mapping`)).body as { mapping: Obj[] };
    expect(defaults.mapping.length).toBeGreaterThan(0);
    expect(body.mapping).toEqual(defaults.mapping);
    expect(Object.keys(body.mapping[0] ?? {}).sort()).toEqual(['auth0', 'scim']);
    // The spec's own wording (and spelling) for a second create.
    expect(await emu.api('POST', path, {})).toMatchObject({
      status: 400,
      body: { message: 'SCIM configuration alreay exists for connection' },
    });

    const mapping = [{ auth0: 'email', scim: 'userName' }];
    expect((await emu.api('PATCH', path, { mapping })).status).toBe(400); // both fields are required
    const updated = await emu.api('PATCH', path, { user_id_attribute: 'userName', mapping });
    expect(updated).toMatchObject({ status: 200, body: { user_id_attribute: 'userName', mapping } });
    expect((await emu.api('GET', path)).body).toEqual(updated.body);

    const all = await emu.api('GET', '/api/v2/connections-scim-configurations');
    expect(all.body).toEqual({ scim_configurations: [updated.body] });
    // The connection itself never shows its SCIM configuration.
    expect(Object.keys((await emu.api('GET', `/api/v2/connections/${id}`)).body as Obj)).not.toContain('_scim');

    expect((await emu.api('DELETE', path)).status).toBe(204);
    expect((await emu.api('GET', path)).status).toBe(404);
  });

  it('refuses an Azure AD connection on the common endpoint', async () => {
    const id = await connection('entra', 'waad', { useCommonEndpoint: true, client_id: 'x', client_secret: 'y' });
    const res = await emu.api('POST', `/api/v2/connections/${id}/scim-configuration`, {});
    expect(res).toMatchObject({ status: 400 });
    expect((res.body as Obj).message).toContain('Azure AD common endpoint');
  });

  it('issues at most two tokens, shows the value once, lists and deletes them', async () => {
    const id = await connection('saml-idp', 'samlp', { signInEndpoint: 'https://idp.example/sso' });
    const path = `/api/v2/connections/${id}/scim-configuration`;
    expect((await emu.api('POST', `${path}/tokens`, {})).status).toBe(404); // no configuration yet
    await emu.api('POST', path, { user_id_attribute: 'externalId' });

    const first = await emu.api('POST', `${path}/tokens`, { scopes: ['get:users'], token_lifetime: 3600 });
    expect(first.status).toBe(201);
    const token = first.body as Obj & { token_id: string };
    expect(Object.keys(token).sort()).toEqual(['created_at', 'scopes', 'token', 'token_id', 'valid_until']);
    expect((await emu.api('POST', `${path}/tokens`, { token_lifetime: 600 })).status).toBe(400);
    expect((await emu.api('POST', `${path}/tokens`, {})).status).toBe(201);
    expect(await emu.api('POST', `${path}/tokens`, {})).toMatchObject({
      status: 409,
      body: { message: 'Maximum of 2 tokens already issued for this connection' },
    });

    const listed = (await emu.api('GET', `${path}/tokens`)).body as Obj[];
    expect(listed).toHaveLength(2);
    expect(listed[0]).toEqual({
      token_id: token.token_id,
      scopes: ['get:users'],
      created_at: token.created_at,
      valid_until: token.valid_until,
    });
    expect((await emu.api('DELETE', `${path}/tokens/${token.token_id}`)).status).toBe(204);
    expect((await emu.api('GET', `${path}/tokens`)).body).toHaveLength(1);
  });
});

describe('DELETE /api/v2/connections/{id}/users?email=', () => {
  it('deletes the database user with that email (204, idempotent) and refuses other strategies', async () => {
    const db = await connection('people', 'auth0');
    const created = await emu.api('POST', '/api/v2/users', {
      connection: 'people',
      email: 'ann@example.com',
      password: 'Correct-Horse-9-Battery',
    });
    expect(created.status).toBe(201);
    const userId = (created.body as { user_id: string }).user_id;

    expect((await emu.api('DELETE', `/api/v2/connections/${db}/users`)).status).toBe(400); // email is required
    expect((await emu.api('DELETE', `/api/v2/connections/${db}/users?email=ANN%40example.com`)).status).toBe(204);
    expect((await emu.api('GET', `/api/v2/users/${encodeURIComponent(userId)}`)).status).toBe(404);
    expect((await emu.api('DELETE', `/api/v2/connections/${db}/users?email=ann%40example.com`)).status).toBe(204);

    const social = await connection('google-oauth2', 'google-oauth2');
    expect(await emu.api('DELETE', `/api/v2/connections/${social}/users?email=ann%40example.com`)).toMatchObject({
      status: 400,
      body: { message: 'Connection must be a database connection' },
    });
    const unknown = await emu.api('DELETE', '/api/v2/connections/con_0000000000000000/users?email=a%40b.c');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'The connection does not exist' } });
  });
});
