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

describe('/api/v2/connections/{id}/directory-provisioning', () => {
  it('creates with the defaults (201), reads, updates (200), selects groups and deletes (204)', async () => {
    const id = await connection('workspace', 'google-apps', { domain: 'acme.example', client_id: 'x', client_secret: 'y' });
    const path = `/api/v2/connections/${id}/directory-provisioning`;
    expect(await emu.api('GET', path)).toMatchObject({
      status: 404,
      body: { message: 'Directory provisioning configuration not found' },
    });

    const created = await emu.api('POST', path);
    expect(created.status).toBe(201);
    const body = created.body as Obj & { mapping: Obj[] };
    expect(Object.keys(body).sort()).toEqual(
      ['connection_id', 'connection_name', 'created_at', 'mapping', 'strategy', 'synchronize_automatically', 'synchronize_groups', 'updated_at'],
    );
    expect(body).toMatchObject({ connection_id: id, strategy: 'google-apps', synchronize_automatically: false });
    expect(body.mapping).toEqual(((await emu.api('GET', `${path}/default-mapping`)).body as { mapping: Obj[] }).mapping);
    expect(await emu.api('POST', path, {})).toMatchObject({
      status: 409,
      body: { message: 'Directory provisioning is already enabled on the specified connection' },
    });

    const mapping = [{ auth0: 'email', idp: 'primaryEmail' }];
    const updated = await emu.api('PATCH', path, { mapping, synchronize_automatically: true, synchronize_groups: 'selected' });
    expect(updated).toMatchObject({ status: 200, body: { mapping, synchronize_automatically: true, synchronize_groups: 'selected' } });
    expect((await emu.api('GET', path)).body).toEqual(updated.body);
    expect((await emu.api('PATCH', path, { mapping: [] })).status).toBe(400);

    const groups = `${path}/synchronized-groups`;
    expect((await emu.api('PUT', groups, { groups: [{ id: 'g1' }, { id: 'g2' }] })).status).toBe(204);
    const first = (await emu.api('GET', `${groups}?take=1`)).body as { groups: Obj[]; next?: string };
    expect(first.groups).toEqual([{ id: 'g1' }]);
    expect((await emu.api('GET', `${groups}?take=1&from=${String(first.next)}`)).body).toEqual({ groups: [{ id: 'g2' }] });

    expect((await emu.api('GET', '/api/v2/connections-directory-provisionings')).body).toEqual({
      directory_provisionings: [updated.body],
    });
    expect(Object.keys((await emu.api('GET', `/api/v2/connections/${id}`)).body as Obj)).not.toContain('_directory');
    expect((await emu.api('DELETE', path)).status).toBe(204);
    expect((await emu.api('GET', path)).status).toBe(404);
  });

  it('refuses strategies without inbound directory provisioning', async () => {
    const id = await connection('people', 'auth0');
    expect(await emu.api('POST', `/api/v2/connections/${id}/directory-provisioning`, {})).toMatchObject({
      status: 400,
      body: { message: 'The connection strategy does not support inbound directory provisioning' },
    });
    expect((await emu.api('POST', '/api/v2/connections/con_0000000000000000/directory-provisioning', {})).status).toBe(404);
  });
});
