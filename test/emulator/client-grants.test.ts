import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let clientId: string;
const AUDIENCE = 'https://grants.example/';
beforeAll(async () => {
  emu = await startTestEmulator();
  await emu.api('POST', '/api/v2/resource-servers', { identifier: AUDIENCE, scopes: [{ value: 'read:x' }] });
  clientId = ((await emu.api('POST', '/api/v2/clients', { name: 'Worker' })).body as { client_id: string })
    .client_id;
});
afterAll(() => emu.close());

type Grant = Record<string, unknown> & { id: string };

describe('/api/v2/client-grants', () => {
  it('creates, reads, patches and deletes a grant', async () => {
    const res = await emu.api('POST', '/api/v2/client-grants', {
      client_id: clientId,
      audience: AUDIENCE,
      scope: ['read:x'],
    });
    expect(res.status).toBe(201);
    const g = res.body as Grant;
    expect(g.id).toMatch(/^cgr_[A-Za-z0-9]{16}$/);
    expect(g).toEqual({
      id: g.id,
      client_id: clientId,
      audience: AUDIENCE,
      scope: ['read:x'],
      subject_type: 'client',
    });
    expect((await emu.api('GET', `/api/v2/client-grants/${g.id}`)).body).toEqual(g);

    const patched = await emu.api('PATCH', `/api/v2/client-grants/${g.id}`, {
      scope: [],
      organization_usage: 'allow',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ scope: [], organization_usage: 'allow' });
    const immutable = await emu.api('PATCH', `/api/v2/client-grants/${g.id}`, { audience: 'https://else/' });
    expect(immutable.body).toMatchObject({
      statusCode: 400,
      message: "Payload validation error: 'Additional properties not allowed: audience'.",
    });

    expect((await emu.api('DELETE', `/api/v2/client-grants/${g.id}`)).status).toBe(204);
    expect((await emu.api('DELETE', `/api/v2/client-grants/${g.id}`)).status).toBe(204);
    expect((await emu.api('GET', `/api/v2/client-grants/${g.id}`)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The grant does not exist.',
      errorCode: 'inexistent_client_grant',
    });
  });

  it('requires an existing audience and client, and unique (client, audience, subject_type)', async () => {
    const noApi = await emu.api('POST', '/api/v2/client-grants', {
      client_id: clientId,
      audience: 'https://nope/',
      scope: [],
    });
    expect(noApi.status).toBe(404);
    expect(noApi.body).toMatchObject({ message: 'No resource with identifier https://nope/' });
    const noClient = await emu.api('POST', '/api/v2/client-grants', {
      client_id: 'missing',
      audience: AUDIENCE,
      scope: [],
    });
    expect(noClient.status).toBe(404);

    const first = await emu.api('POST', '/api/v2/client-grants', {
      client_id: clientId,
      audience: AUDIENCE,
      scope: [],
    });
    expect(first.status).toBe(201);
    const dup = await emu.api('POST', '/api/v2/client-grants', {
      client_id: clientId,
      audience: AUDIENCE,
      scope: ['read:x'],
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      message: `A client grant already exists between ${clientId} and ${AUDIENCE}`,
    });
    const userGrant = await emu.api('POST', '/api/v2/client-grants', {
      client_id: clientId,
      audience: AUDIENCE,
      scope: [],
      subject_type: 'user',
    });
    expect(userGrant.status).toBe(201);
    const missing = await emu.api('POST', '/api/v2/client-grants', { client_id: clientId, scope: [] });
    expect((missing.body as { message: string }).message).toBe(
      "Payload validation error: 'Missing required property: audience'.",
    );
  });

  it('filters and pages lists, with checkpoints', async () => {
    const byClient = (await emu.api('GET', `/api/v2/client-grants?client_id=${clientId}`)).body as Grant[];
    expect(byClient).toHaveLength(2);
    const users = (await emu.api('GET', `/api/v2/client-grants?client_id=${clientId}&subject_type=user`))
      .body as Grant[];
    expect(users.map((g) => g.subject_type)).toEqual(['user']);
    const env = (
      await emu.api(
        'GET',
        `/api/v2/client-grants?audience=${encodeURIComponent(AUDIENCE)}&include_totals=true&per_page=50`,
      )
    ).body as Record<string, unknown>;
    expect(env).toMatchObject({ total: 2, start: 0, limit: 50 });
    const first = (await emu.api('GET', '/api/v2/client-grants?take=1')).body as {
      client_grants: Grant[];
      next?: string;
    };
    expect(first.client_grants).toHaveLength(1);
    expect(first.next).toBeTypeOf('string');
    const rest = (await emu.api('GET', `/api/v2/client-grants?take=100&from=${first.next}`)).body as {
      client_grants: Grant[];
      next?: string;
    };
    expect(rest.client_grants).toHaveLength(2);
    expect(rest).not.toHaveProperty('next');
  });

  it('removes the grants of a deleted client', async () => {
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'Temp' })).body as { client_id: string };
    await emu.api('POST', '/api/v2/client-grants', { client_id: c.client_id, audience: AUDIENCE, scope: [] });
    await emu.api('DELETE', `/api/v2/clients/${c.client_id}`);
    expect((await emu.api('GET', `/api/v2/client-grants?client_id=${c.client_id}`)).body).toEqual([]);
  });
});
