import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

type Obj = Record<string, unknown>;
const BASE = '/api/v2/connections';

async function createClient(name: string): Promise<Obj & { client_id: string; client_secret: string }> {
  return (await emu.api('POST', '/api/v2/clients', { name })).body as Obj & {
    client_id: string;
    client_secret: string;
  };
}

async function createConnection(body: Obj): Promise<Obj & { id: string }> {
  const res = await emu.api('POST', BASE, { strategy: 'auth0', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Obj & { id: string };
}

const enabled = async (id: string) =>
  ((await emu.api('GET', `${BASE}/${id}/clients`)).body as { clients: { client_id: string }[] }).clients.map(
    (c) => c.client_id,
  );

describe('/api/v2/connections', () => {
  it('starts with the default database connection', async () => {
    const list = (await emu.api('GET', `${BASE}?strategy=auth0`)).body as Obj[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: 'Username-Password-Authentication',
      strategy: 'auth0',
      options: { brute_force_protection: true },
      realms: ['Username-Password-Authentication'],
    });
    expect(String(list[0]?.id)).toMatch(/^con_[A-Za-z0-9]{16}$/);
  });

  it('creates, reads, patches and deletes a connection', async () => {
    const c = await createConnection({ name: 'Acme-Users', options: { passwordPolicy: 'fair' } });
    expect(c).toMatchObject({
      name: 'Acme-Users',
      strategy: 'auth0',
      options: { passwordPolicy: 'fair' },
      realms: ['Acme-Users'],
      is_domain_connection: false,
      enabled_clients: [],
    });
    expect((await emu.api('GET', `${BASE}/${c.id}`)).body).toEqual(c);

    // PATCH replaces options whole (OAS): the passwordPolicy sent before is gone.
    const patched = await emu.api('PATCH', `${BASE}/${c.id}`, { options: { brute_force_protection: true } });
    expect(patched.status).toBe(200);
    expect((patched.body as Obj).options).toEqual({ brute_force_protection: true });
    // Metadata merges per key; null removes a key.
    await emu.api('PATCH', `${BASE}/${c.id}`, { metadata: { team: 'shop', tier: 'gold' } });
    const merged = await emu.api('PATCH', `${BASE}/${c.id}`, { metadata: { tier: null } });
    expect((merged.body as Obj).metadata).toEqual({ team: 'shop' });

    const deleted = await emu.api('DELETE', `${BASE}/${c.id}`);
    expect(deleted.status).toBe(202);
    expect(Date.parse(String((deleted.body as Obj).deleted_at))).not.toBeNaN();
    expect((await emu.api('DELETE', `${BASE}/${c.id}`)).status).toBe(204);
    expect((await emu.api('GET', `${BASE}/${c.id}`)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The connection does not exist',
      errorCode: 'inexistent_connection',
    });
  });

  it('refuses strategy and name changes, duplicate names and invalid bodies', async () => {
    const c = await createConnection({ name: 'Fixed' });
    const strategy = await emu.api('PATCH', `${BASE}/${c.id}`, { strategy: 'email' });
    expect(strategy.body).toMatchObject({
      statusCode: 400,
      errorCode: 'invalid_body',
      message: "Payload validation error: 'Additional properties not allowed: strategy'.",
    });
    expect((await emu.api('PATCH', `${BASE}/${c.id}`, { name: 'Other' })).status).toBe(400);
    const dup = await emu.api('POST', BASE, { name: 'Fixed', strategy: 'auth0' });
    expect(dup.status).toBe(409);
    const spaces = await emu.api('POST', BASE, { name: 'Has space', strategy: 'auth0' });
    expect((spaces.body as Obj).message).toMatch(/String does not match pattern.*on property name/);
    const policy = await emu.api('POST', BASE, {
      name: 'Weak',
      strategy: 'auth0',
      options: { passwordPolicy: 'strong' },
    });
    expect((policy.body as Obj).message).toBe(
      "Payload validation error: 'No enum match for: \"strong\"' on property options.passwordPolicy.",
    );
    const both = await emu.api('POST', BASE, {
      name: 'Both',
      strategy: 'auth0',
      options: { requires_username: true, attributes: { email: {} } },
    });
    expect(both.body).toMatchObject({
      statusCode: 400,
      message: 'Cannot set both options.attributes and options.requires_username',
    });
  });

  it('pages by offset and by checkpoint, without enabled_clients in lists', async () => {
    for (const name of ['A1', 'A2', 'A3']) await createConnection({ name });
    const totals = (await emu.api('GET', `${BASE}?include_totals=true&per_page=2&page=1`)).body as Obj;
    expect(totals).toMatchObject({ total: 4, start: 2, limit: 2 });
    expect((totals.connections as Obj[]).map((c) => c.name)).toEqual(['A2', 'A3']);
    const first = (await emu.api('GET', `${BASE}?take=3`)).body as { connections: Obj[]; next: string };
    expect(first.connections.map((c) => c.name)).toEqual(['Username-Password-Authentication', 'A1', 'A2']);
    expect(first.connections[0]).not.toHaveProperty('enabled_clients');
    const rest = (await emu.api('GET', `${BASE}?take=3&from=${first.next}`)).body as Obj;
    expect(rest).toEqual({ connections: [expect.objectContaining({ name: 'A3' })] });
    const byName = (await emu.api('GET', `${BASE}?name=A2&fields=name,strategy`)).body;
    expect(byName).toEqual([{ name: 'A2', strategy: 'auth0' }]);
  });

  it('offset paging of connections and organizations stops at 1000 records; checkpoints go on', async () => {
    for (const path of [BASE, '/api/v2/organizations']) {
      const past = await emu.api('GET', `${path}?page=10&per_page=100`);
      expect(past.status).toBe(400);
      expect(past.body).toMatchObject({
        message: expect.stringContaining('Requesting page 10 exceeds the allowed maximum of 1000 records'),
      });
      expect((await emu.api('GET', `${path}?page=9&per_page=100`)).status).toBe(200);
      expect((await emu.api('GET', `${path}?take=100`)).status).toBe(200);
    }
  });

  it('changes enabled clients through /clients and through enabled_clients alike', async () => {
    const web = await createClient('Web');
    const worker = await createClient('Worker');
    const c = await createConnection({ name: 'Both-Ways', enabled_clients: [web.client_id] });
    expect(await enabled(c.id)).toEqual([web.client_id]);

    const patch = await emu.api('PATCH', `${BASE}/${c.id}/clients`, [
      { client_id: worker.client_id, status: true },
      { client_id: web.client_id, status: false },
    ]);
    expect(patch.status).toBe(204);
    expect(await enabled(c.id)).toEqual([worker.client_id]);
    expect(((await emu.api('GET', `${BASE}/${c.id}`)).body as Obj).enabled_clients).toEqual([worker.client_id]);

    await emu.api('PATCH', `${BASE}/${c.id}`, { enabled_clients: [web.client_id] });
    expect(await enabled(c.id)).toEqual([web.client_id]);

    const empty = await emu.api('PATCH', `${BASE}/${c.id}/clients`, []);
    expect((empty.body as Obj).message).toBe("Payload validation error: 'Array is too short (0), minimum 1'.");
    const unknown = await emu.api('PATCH', `${BASE}/${c.id}/clients`, [{ client_id: 'nope', status: true }]);
    expect(unknown.status).toBe(404);

    const page = (await emu.api('GET', `${BASE}/${c.id}/clients?take=1001`)).body as Obj;
    expect(page.statusCode).toBe(400);
    // A deleted client leaves every connection it was enabled on.
    await emu.api('DELETE', `/api/v2/clients/${web.client_id}`);
    expect(await enabled(c.id)).toEqual([]);
  });

  it('enables a new client on every connection while enable_client_connections is on', async () => {
    const c = await createConnection({ name: 'Auto' });
    const first = await createClient('First');
    expect(await enabled(c.id)).toEqual([first.client_id]);
    const settings = await emu.api('PATCH', '/api/v2/tenants/settings', {
      flags: { enable_client_connections: false },
    });
    expect(settings.status).toBe(200);
    await createClient('Second');
    expect(await enabled(c.id)).toEqual([first.client_id]);
  });

  it('shows options only to a token with read:connections_options', async () => {
    const reader = await createClient('Reader');
    await emu.api('POST', '/api/v2/client-grants', {
      client_id: reader.client_id,
      audience: emu.audience,
      scope: ['read:connections'],
    });
    const token = (await (
      await fetch(`${emu.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: reader.client_id,
          client_secret: reader.client_secret,
          audience: emu.audience,
        }),
      })
    ).json()) as { access_token: string };
    const res = await fetch(`${emu.url}${BASE}`, { headers: { authorization: `Bearer ${token.access_token}` } });
    const list = (await res.json()) as Obj[];
    expect(list[0]).toHaveProperty('name', 'Username-Password-Authentication');
    expect(list[0]).not.toHaveProperty('options');
  });

  it('reports a database connection online and an unknown one missing', async () => {
    const [upa] = (await emu.api('GET', BASE)).body as Obj[];
    expect((await emu.api('GET', `${BASE}/${String(upa?.id)}/status`)).status).toBe(200);
    expect((await emu.api('GET', `${BASE}/con_0000000000000000/status`)).status).toBe(404);
  });
});
