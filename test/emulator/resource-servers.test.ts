import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

type Rs = Record<string, unknown> & { id: string; identifier: string };

describe('/api/v2/resource-servers', () => {
  it('creates with the real defaults, then reads by id and by URL-encoded identifier', async () => {
    const created = await emu.api('POST', '/api/v2/resource-servers', {
      identifier: 'https://orders.example/',
      name: 'Orders',
    });
    expect(created.status).toBe(201);
    const rs = created.body as Rs;
    expect(rs.id).toMatch(/^[0-9a-f]{24}$/);
    expect(rs).toMatchObject({
      name: 'Orders',
      identifier: 'https://orders.example/',
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: false,
      subject_type_authorization: {
        user: { policy: 'allow_all' },
        client: { policy: 'require_client_grant' },
      },
      token_lifetime: 86400,
      token_lifetime_for_web: 7200,
      signing_alg: 'RS256',
    });
    expect((await emu.api('GET', `/api/v2/resource-servers/${rs.id}`)).body).toEqual(rs);
    const byIdentifier = await emu.api(
      'GET',
      `/api/v2/resource-servers/${encodeURIComponent(rs.identifier)}`,
    );
    expect(byIdentifier.body).toEqual(rs);
  });

  it('PATCHes with 200, replacing scopes wholesale', async () => {
    const rs = (await emu.api('POST', '/api/v2/resource-servers', { identifier: 'https://patch.example' }))
      .body as Rs;
    const scopes = [{ value: 'read:a', description: 'A' }];
    const patched = await emu.api('PATCH', `/api/v2/resource-servers/${rs.id}`, {
      scopes,
      token_lifetime: 3600,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ scopes, token_lifetime: 3600 });
    const again = await emu.api('PATCH', `/api/v2/resource-servers/${rs.id}`, { scopes: [] });
    expect((again.body as Rs).scopes).toEqual([]);
  });

  it('refuses duplicates, read-only fields and bad payloads', async () => {
    await emu.api('POST', '/api/v2/resource-servers', { identifier: 'https://dup.example' });
    const dup = await emu.api('POST', '/api/v2/resource-servers', { identifier: 'https://dup.example' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    const cases: [unknown, string][] = [
      [{ name: 'x' }, "Payload validation error: 'Missing required property: identifier'."],
      [
        { identifier: 'https://a', is_system: true },
        "Payload validation error: 'Additional properties not allowed: is_system'.",
      ],
      [
        { identifier: 'https://a', enforce_policies: 'yes' },
        "Payload validation error: 'Invalid type: string (expected boolean)' on property enforce_policies.",
      ],
      [
        { identifier: 'https://a', signing_alg: 'none' },
        `Payload validation error: 'No enum match for: "none"' on property signing_alg.`,
      ],
      [
        { identifier: 'https://a', token_lifetime: 2592001 },
        "Payload validation error: 'Value 2592001 is greater than maximum 2592000' on property token_lifetime.",
      ],
    ];
    for (const [body, message] of cases) {
      const res = await emu.api('POST', '/api/v2/resource-servers', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });
    }
    const rs = (await emu.api('GET', '/api/v2/resource-servers?include_totals=true')).body as {
      resource_servers: Rs[];
    };
    const custom = rs.resource_servers.find((r) => r.identifier === 'https://dup.example') as Rs;
    const immutable = await emu.api('PATCH', `/api/v2/resource-servers/${custom.id}`, {
      identifier: 'https://other',
    });
    expect(immutable.status).toBe(400);
  });

  it('protects the system Management API', async () => {
    const mgmt = (await emu.api('GET', `/api/v2/resource-servers/${encodeURIComponent(emu.audience)}`))
      .body as Rs;
    expect(mgmt).toMatchObject({ name: 'Auth0 Management API', is_system: true, identifier: emu.audience });
    expect((mgmt.scopes as unknown[]).length).toBeGreaterThan(100);
    const scopes = await emu.api('PATCH', `/api/v2/resource-servers/${mgmt.id}`, { scopes: [] });
    expect(scopes.status).toBe(400);
    expect((scopes.body as { message: string }).message).toBe(
      "Payload validation error: 'Additional properties not allowed: scopes'.",
    );
    expect(
      (await emu.api('PATCH', `/api/v2/resource-servers/${mgmt.id}`, { token_lifetime: 7200 })).status,
    ).toBe(200);
    expect((await emu.api('DELETE', `/api/v2/resource-servers/${mgmt.id}`)).status).toBe(400);
  });

  it('activates the system My Account API when its identifier is created', async () => {
    const identifier = `https://${emu.domain}/me/`;
    const res = await emu.api('POST', '/api/v2/resource-servers', {
      identifier,
      name: 'ignored',
      token_lifetime: 300,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Auth0 My Account API', is_system: true, token_lifetime: 300 });
    expect((await emu.api('DELETE', `/api/v2/resource-servers/${(res.body as Rs).id}`)).status).toBe(204);
  });

  it('deletes idempotently and 404s afterwards with the real body', async () => {
    const rs = (await emu.api('POST', '/api/v2/resource-servers', { identifier: 'https://gone.example' }))
      .body as Rs;
    expect((await emu.api('DELETE', `/api/v2/resource-servers/${rs.id}`)).status).toBe(204);
    expect((await emu.api('DELETE', `/api/v2/resource-servers/${rs.id}`)).status).toBe(204);
    const missing = await emu.api('GET', `/api/v2/resource-servers/${rs.id}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The resource server does not exist',
      errorCode: 'inexistent_resource_server',
    });
  });

  it('lists with offset envelopes and the identifiers filter, without checkpoints', async () => {
    const bare = await emu.api('GET', '/api/v2/resource-servers?per_page=2&page=0');
    expect(Array.isArray(bare.body)).toBe(true);
    expect((bare.body as Rs[]).length).toBe(2);
    const env = (await emu.api('GET', '/api/v2/resource-servers?per_page=2&page=1&include_totals=true'))
      .body as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(['limit', 'resource_servers', 'start', 'total']);
    expect(env).toMatchObject({ start: 2, limit: 2 });
    const filtered = await emu.api(
      'GET',
      `/api/v2/resource-servers?identifiers=${encodeURIComponent('https://orders.example/')}&identifiers=${encodeURIComponent(emu.audience)}`,
    );
    expect((filtered.body as Rs[]).map((r) => r.identifier).sort()).toEqual(
      [emu.audience, 'https://orders.example/'].sort(),
    );
    const checkpoint = await emu.api('GET', '/api/v2/resource-servers?take=2');
    expect(checkpoint.status).toBe(400);
    expect(checkpoint.body).toMatchObject({ errorCode: 'invalid_query_string' });
    expect((await emu.api('GET', '/api/v2/resource-servers?per_page=101')).status).toBe(400);
  });
});
