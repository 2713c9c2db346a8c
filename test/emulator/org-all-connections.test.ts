import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown> & { id: string };

async function post(path: string, body: unknown): Promise<Obj> {
  const res = await emu.api('POST', path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Obj;
}

describe('/api/v2/organizations/{id}/connections', () => {
  it('shares one list with enabled_connections, adds is_enabled, name and access level', async () => {
    const org = await post('/api/v2/organizations', { name: 'acme' });
    const db = await post('/api/v2/connections', { name: 'people', strategy: 'auth0' });
    const social = await post('/api/v2/connections', { name: 'google-oauth2', strategy: 'google-oauth2' });
    const base = `/api/v2/organizations/${org.id}/connections`;
    await post(`/api/v2/organizations/${org.id}/enabled_connections`, { connection_id: db.id });

    const added = await post(base, {
      connection_id: social.id,
      organization_connection_name: 'Google',
      organization_access_level: 'readonly',
    });
    expect(added).toEqual({
      organization_connection_name: 'Google',
      assign_membership_on_login: false,
      show_as_button: true,
      is_signup_enabled: false,
      organization_access_level: 'readonly',
      is_enabled: true,
      connection_id: social.id,
      connection: { name: 'google-oauth2', strategy: 'google-oauth2' },
    });
    expect((await emu.api('POST', base, { connection_id: social.id })).status).toBe(409);

    const totals = (await emu.api('GET', `${base}?include_totals=true`)).body as { connections: Obj[]; total: number };
    expect(totals).toMatchObject({ start: 0, limit: 50, total: 2 });
    expect(totals.connections.map((c) => c.connection_id)).toEqual([db.id, social.id]);
    expect(totals.connections[0]).toMatchObject({ is_enabled: true, connection: { name: 'people' } });

    // Switched off here, it is no longer enabled for the older API.
    const patched = await emu.api('PATCH', `${base}/${social.id}`, { is_enabled: false, organization_connection_name: null });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('organization_connection_name');
    expect((await emu.api('GET', `${base}?is_enabled=false`)).body).toEqual([expect.objectContaining({ connection_id: social.id })]);
    const older = (await emu.api('GET', `/api/v2/organizations/${org.id}/enabled_connections`)).body as Obj[];
    expect(older.map((c) => c.connection_id)).toEqual([db.id]);
    expect(Object.keys(older[0] ?? {})).not.toContain('is_enabled');

    expect((await emu.api('DELETE', `${base}/${social.id}`)).status).toBe(204);
    expect((await emu.api('GET', `${base}/${social.id}`)).status).toBe(404);
    expect((await emu.api('GET', `${base}/${db.id}`)).status).toBe(200);
  });
});
