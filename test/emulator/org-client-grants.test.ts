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

/** An organization, an API and a machine client with a grant to it that opts into organizations. */
async function setUp(usage = 'allow') {
  const org = await post('/api/v2/organizations', { name: 'acme' });
  await post('/api/v2/resource-servers', { name: 'Orders', identifier: 'https://orders.test', scopes: [{ value: 'read:orders' }] });
  const client = (await post('/api/v2/clients', { name: 'worker', app_type: 'non_interactive' })) as Obj & { client_id: string };
  const grant = await post('/api/v2/client-grants', {
    client_id: client.client_id,
    audience: 'https://orders.test',
    scope: ['read:orders'],
    organization_usage: usage,
  });
  return { org, client, grant };
}

describe('/api/v2/organizations/{id}/client-grants', () => {
  it('associates a grant (201), lists it with totals and filters, and answers 409 the second time', async () => {
    const { org, client, grant } = await setUp();
    const path = `/api/v2/organizations/${org.id}/client-grants`;
    const added = await post(path, { grant_id: grant.id });
    expect(added).toEqual({
      id: grant.id,
      client_id: client.client_id,
      audience: 'https://orders.test',
      scope: ['read:orders'],
      organization_usage: 'allow',
    });
    expect((await emu.api('GET', path)).body).toEqual([added]);
    expect((await emu.api('GET', `${path}?include_totals=true`)).body).toEqual({
      client_grants: [added],
      start: 0,
      limit: 50,
      total: 1,
    });
    expect((await emu.api('GET', `${path}?audience=https://other.test`)).body).toEqual([]);
    expect((await emu.api('GET', `${path}?grant_ids=${grant.id}`)).body).toEqual([added]);
    const again = await emu.api('POST', path, { grant_id: grant.id });
    expect(again.status).toBe(409);
  });

  it('shows the organizations of a grant, and forgets the association on DELETE or when the grant goes', async () => {
    const { org, grant } = await setUp('require');
    const path = `/api/v2/organizations/${org.id}/client-grants`;
    await post(path, { grant_id: grant.id });
    const orgs = await emu.api('GET', `/api/v2/client-grants/${grant.id}/organizations?take=10`);
    expect(orgs.body).toEqual({ organizations: [{ id: org.id, name: 'acme' }] });
    expect((await emu.api('DELETE', `${path}/${grant.id}`)).status).toBe(204);
    expect((await emu.api('GET', path)).body).toEqual([]);
    await post(path, { grant_id: grant.id });
    await emu.api('DELETE', `/api/v2/client-grants/${grant.id}`);
    expect((await emu.api('GET', path)).body).toEqual([]);
    const gone = await emu.api('GET', `/api/v2/client-grants/${grant.id}/organizations`);
    expect(gone.status).toBe(404);
  });

  it('refuses unknown grants, grants that do not opt into organizations, and unknown organizations', async () => {
    const { org, grant } = await setUp('deny');
    const path = `/api/v2/organizations/${org.id}/client-grants`;
    expect((await emu.api('POST', path, { grant_id: 'cgr_nope' })).status).toBe(404);
    const deny = await emu.api('POST', path, { grant_id: grant.id });
    expect(deny.status).toBe(400);
    expect(deny.body).toMatchObject({ errorCode: 'invalid_body' });
    expect((await emu.api('POST', path, {})).status).toBe(400);
    expect((await emu.api('GET', '/api/v2/organizations/org_missing/client-grants')).status).toBe(404);
  });
});
