import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

type Client = Record<string, unknown> & { client_id: string; name: string };

const create = async (body: Record<string, unknown>) =>
  (await emu.api('POST', '/api/v2/clients', body)).body as Client;

describe('/api/v2/clients', () => {
  it('creates with generated credentials and the real defaults', async () => {
    const res = await emu.api('POST', '/api/v2/clients', { name: 'Web', description: 'web app' });
    expect(res.status).toBe(201);
    const c = res.body as Client;
    expect(c.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(String(c.client_secret).length).toBe(64);
    expect(c).toMatchObject({
      is_first_party: true,
      is_token_endpoint_ip_header_trusted: false,
      oidc_conformant: false,
      jwt_configuration: { secret_encoded: false, lifetime_in_seconds: 36000 },
      sso_disabled: false,
      grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
      custom_login_page_on: true,
      refresh_token: {
        rotation_type: 'non-rotating',
        expiration_type: 'non-expiring',
        token_lifetime: 2592000,
      },
    });
    const spa = await create({ name: 'SPA', app_type: 'spa', token_endpoint_auth_method: 'none' });
    expect(spa.grant_types).toEqual(['authorization_code', 'implicit', 'refresh_token']);
    expect((await emu.api('GET', `/api/v2/clients/${c.client_id}`)).body).toEqual(c);
  });

  it('PATCH replaces top-level keys and merges client_metadata with null-delete', async () => {
    const c = await create({ name: 'Meta', client_metadata: { a: '1', b: '2' } });
    const res = await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, {
      callbacks: ['https://x.example/cb'],
      client_metadata: { a: null, c: '3' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      callbacks: ['https://x.example/cb'],
      client_metadata: { b: '2', c: '3' },
    });
    expect((res.body as Client).client_metadata).not.toHaveProperty('a');
    const cleared = await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, {
      token_quota: null,
      client_metadata: { b: null, c: null },
    });
    expect((cleared.body as Client).client_metadata).toEqual({});
  });

  it('validates payloads from the API schema', async () => {
    const cases: [string, unknown, string][] = [
      ['POST', { description: 'no name' }, "Payload validation error: 'Missing required property: name'."],
      [
        'POST',
        { name: 'a', client_id: 'mine' },
        "Payload validation error: 'Additional properties not allowed: client_id'.",
      ],
      [
        'POST',
        { name: 'a', app_type: 'robot' },
        `Payload validation error: 'No enum match for: "robot"' on property app_type.`,
      ],
      [
        'POST',
        { name: 'a', description: 'x'.repeat(141) },
        "Payload validation error: 'String is too long (141 chars), maximum 140' on property description.",
      ],
      [
        'POST',
        { name: 'a', grant_types: ['implicit', 'password', 'implicit'] },
        "Payload validation error: 'Array items are not unique (indexes 0 and 2)' on property grant_types.",
      ],
      [
        'POST',
        { name: 'a<b>' },
        "Payload validation error: 'String does not match pattern: ^[^<>]+$' on property name.",
      ],
    ];
    for (const [method, body, message] of cases) {
      const res = await emu.api(method, '/api/v2/clients', body);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });
    }
    const c = await create({ name: 'immutable' });
    const patch = await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, {
      resource_server_identifier: 'https://x',
    });
    expect(patch.status).toBe(400);
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect((await emu.api('PATCH', `/api/v2/clients/${c.client_id}`, { client_metadata: many })).status).toBe(
      400,
    );
  });

  it('rotates the secret', async () => {
    const c = await create({ name: 'Rotating' });
    const res = await emu.api('POST', `/api/v2/clients/${c.client_id}/rotate-secret`);
    expect(res.status).toBe(200);
    expect((res.body as Client).client_secret).not.toBe(c.client_secret);
    expect(((await emu.api('GET', `/api/v2/clients/${c.client_id}`)).body as Client).client_secret).toBe(
      (res.body as Client).client_secret,
    );
  });

  it('deletes idempotently, 404s with the real body, and protects the global client', async () => {
    const c = await create({ name: 'Doomed' });
    expect((await emu.api('DELETE', `/api/v2/clients/${c.client_id}`)).status).toBe(204);
    expect((await emu.api('DELETE', `/api/v2/clients/${c.client_id}`)).status).toBe(204);
    expect((await emu.api('GET', `/api/v2/clients/${c.client_id}`)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The client does not exist',
      errorCode: 'inexistent_client',
    });
    const global = (await emu.api('GET', '/api/v2/clients?is_global=true')).body as Client[];
    expect(global.map((g) => g.name)).toEqual(['All Applications']);
    expect((await emu.api('DELETE', `/api/v2/clients/${global[0]?.client_id}`)).status).toBe(400);
  });

  it('lists with offset envelopes, filters, fields and from/take checkpoints', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `Page ${i}`, app_type: 'regular_web' });
    const all = (await emu.api('GET', '/api/v2/clients?per_page=100')).body as Client[];
    expect(all[all.length - 1]?.name).toBe('All Applications');

    const env = (await emu.api('GET', '/api/v2/clients?include_totals=true&page=1&per_page=3'))
      .body as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(['clients', 'limit', 'start', 'total']);
    expect(env).toMatchObject({ total: all.length, start: 3, limit: 3 });
    expect((env.clients as Client[]).map((c) => c.client_id)).toEqual(
      all.slice(3, 6).map((c) => c.client_id),
    );

    const web = (await emu.api('GET', '/api/v2/clients?app_type=regular_web,spa')).body as Client[];
    expect(new Set(web.map((c) => c.app_type))).toEqual(new Set(['regular_web', 'spa']));

    const seen: string[] = [];
    let from: string | undefined;
    let pages = 0;
    do {
      const q = `take=4&include_totals=true${from ? `&from=${from}` : ''}`;
      const page = (await emu.api('GET', `/api/v2/clients?${q}`)).body as {
        clients: Client[];
        next?: string;
      };
      expect(Object.keys(page).every((k) => k === 'clients' || k === 'next')).toBe(true);
      seen.push(...page.clients.map((c) => c.client_id));
      from = page.next;
      pages++;
    } while (from && pages < 20);
    expect(seen).toEqual(all.map((c) => c.client_id));

    const fields = (await emu.api('GET', '/api/v2/clients?fields=client_id,name&include_fields=true'))
      .body as Client[];
    expect(Object.keys(fields[0] ?? {}).sort()).toEqual(['client_id', 'name', 'tenant']);
    const bad = await emu.api('GET', '/api/v2/clients?per_page=abc');
    expect(bad.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
  });
});
