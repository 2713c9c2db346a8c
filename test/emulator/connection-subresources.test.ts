import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

type Obj = Record<string, unknown>;

async function client(name: string): Promise<string> {
  return ((await emu.api('POST', '/api/v2/clients', { name })).body as { client_id: string }).client_id;
}

async function connection(name: string, strategy: string, enabled: string[]): Promise<string> {
  const res = await emu.api('POST', '/api/v2/connections', { name, strategy, enabled_clients: enabled });
  return (res.body as { id: string }).id;
}

describe('connection sub-resources', () => {
  it('lists the connections a client is enabled on, from the client side', async () => {
    // Tenant flag off so a new client is not enabled everywhere (the default connection stays out).
    await emu.api('PATCH', '/api/v2/tenants/settings', { flags: { enable_client_connections: false } });
    const app = await client('App');
    await connection('Db-One', 'auth0', [app]);
    await connection('Other', 'auth0', []);
    await connection('google-oauth2', 'google-oauth2', [app]);

    const all = await emu.api('GET', `/api/v2/clients/${app}/connections`);
    expect(all.status).toBe(200);
    const names = (all.body as { connections: Obj[] }).connections.map((c) => c.name);
    expect(names).toEqual(['Db-One', 'google-oauth2']);
    expect((all.body as { connections: Obj[] }).connections[0]).not.toHaveProperty('enabled_clients');

    const db = await emu.api('GET', `/api/v2/clients/${app}/connections?strategy=auth0&fields=name,strategy`);
    expect(db.body).toEqual({ connections: [{ name: 'Db-One', strategy: 'auth0' }] });

    const paged = await emu.api('GET', `/api/v2/clients/${app}/connections?take=1`);
    const first = paged.body as { connections: Obj[]; next?: string };
    expect(first.connections).toHaveLength(1);
    const rest = await emu.api('GET', `/api/v2/clients/${app}/connections?take=1&from=${first.next}`);
    expect((rest.body as { connections: Obj[]; next?: string }).connections[0]?.name).toBe('google-oauth2');
    expect(rest.body).not.toHaveProperty('next');
  });

  it('answers 404 for the connections of an unknown client', async () => {
    const res = await emu.api('GET', '/api/v2/clients/nope/connections');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errorCode: 'inexistent_client' });
  });

  it('lists no SCIM or directory-provisioning configurations on a tenant without them', async () => {
    expect((await emu.api('GET', '/api/v2/connections-scim-configurations')).body).toEqual({ scim_configurations: [] });
    expect((await emu.api('GET', '/api/v2/connections-directory-provisionings?take=10')).body).toEqual({
      directory_provisionings: [],
    });
  });

  it('answers the documented 404s for one connection without provisioning, and for an unknown one', async () => {
    const id = await connection('Db-Two', 'auth0', []);
    const scim = await emu.api('GET', `/api/v2/connections/${id}/scim-configuration`);
    expect(scim.status).toBe(404);
    const dir = await emu.api('GET', `/api/v2/connections/${id}/directory-provisioning`);
    expect(dir).toMatchObject({ status: 404, body: { message: 'Directory provisioning configuration not found' } });
    const unknown = await emu.api('GET', '/api/v2/connections/con_0000000000000000/scim-configuration');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'The connection does not exist' } });
  });

  it('lists no synchronized groups or SCIM tokens for a connection without provisioning', async () => {
    const id = await connection('Db-Three', 'auth0', []);
    const groups = await emu.api('GET', `/api/v2/connections/${id}/directory-provisioning/synchronized-groups?take=5`);
    expect(groups).toMatchObject({ status: 200, body: { groups: [] } });
    const tokens = await emu.api('GET', `/api/v2/connections/${id}/scim-configuration/tokens`);
    expect(tokens).toMatchObject({ status: 200, body: [] });
    const unknown = await emu.api('GET', '/api/v2/connections/con_0000000000000000/scim-configuration/tokens');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'The connection does not exist' } });
  });
});
