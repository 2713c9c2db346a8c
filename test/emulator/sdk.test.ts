import { AuthApiError, ManagementApiError, ManagementClient } from 'auth0';
import { Agent, fetch, type RequestInit } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';

// The official Node SDK (auth0@4) as a second, independent client: it only speaks https://<domain>, so it
// runs against the TLS emulator. If it cannot read something the emulator sends, the emulator is wrong.
let emu: RunningEmulator;
let agent: Agent;
let mgmt: ManagementClient;

/**
 * The SDK's `fetch` option, used for the token request (TokenProvider passes its options on to the
 * AuthenticationClient) and the API calls alike: undici's fetch with a dispatcher that trusts the
 * emulator's certificate. (Its `agent` option would hand an undici 7 Agent to Node 20's bundled undici 6
 * fetch, and is typed for the latter.)
 */
function trustingFetch(dispatcher: Agent): typeof globalThis.fetch {
  const trusting = (url: string, init: RequestInit) => fetch(url, { ...init, dispatcher });
  return trusting as unknown as typeof globalThis.fetch;
}

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, tls: true });
  agent = new Agent({ connect: { ca: emu.tls?.cert } });
  const { domain, clientId, clientSecret } = emu;
  mgmt = new ManagementClient({ domain, clientId, clientSecret, fetch: trustingFetch(agent) });
});
afterAll(async () => {
  await emu.close();
  await agent.close();
});

describe('the official Node SDK against the emulator', () => {
  it('lists, creates, updates and deletes resource servers', async () => {
    const { data: api, status } = await mgmt.resourceServers.create({
      name: 'SDK API',
      identifier: 'https://sdk.example/api',
      scopes: [{ value: 'read:things', description: 'Read things' }],
    });
    expect(status).toBe(201);
    expect(api).toMatchObject({ identifier: 'https://sdk.example/api', signing_alg: 'RS256', token_lifetime: 86400 });

    const { data: updated } = await mgmt.resourceServers.update({ id: api.id ?? '' }, { token_lifetime: 3600 });
    expect(updated.token_lifetime).toBe(3600);
    // The SDK encodes the identifier once; the API accepts it in place of the id.
    expect((await mgmt.resourceServers.get({ id: 'https://sdk.example/api' })).data.id).toBe(api.id);

    const { data: list } = await mgmt.resourceServers.getAll();
    expect(list.map((r) => r.identifier)).toEqual([emu.audience, 'https://sdk.example/api']);
    const { data: page } = await mgmt.resourceServers.getAll({ include_totals: true, per_page: 1, page: 1 });
    expect(page).toMatchObject({ total: 2, start: 1, limit: 1 });
    expect(page.resource_servers.map((r) => r.id)).toEqual([api.id]);

    expect((await mgmt.resourceServers.delete({ id: api.id ?? '' })).status).toBe(204);
    expect((await mgmt.resourceServers.getAll()).data).toHaveLength(1);
  });

  it('lists, creates, updates and deletes clients', async () => {
    const { data: client } = await mgmt.clients.create({ name: 'SDK app', app_type: 'non_interactive' });
    expect(client.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(client.client_secret).toBeTruthy();
    expect(client.grant_types).toContain('client_credentials');

    const { data: updated } = await mgmt.clients.update(
      { client_id: client.client_id },
      { description: 'changed', client_metadata: { team: 'sdk' } },
    );
    expect(updated).toMatchObject({ description: 'changed', client_metadata: { team: 'sdk' } });
    expect((await mgmt.clients.get({ client_id: client.client_id })).data.description).toBe('changed');

    const { data: all } = await mgmt.clients.getAll({ is_global: false });
    expect(all.map((c) => c.name)).toContain('SDK app');
    const { data: page } = await mgmt.clients.getAll({ include_totals: true, per_page: 50, fields: 'client_id,name' });
    expect(page.total).toBe(page.clients.length);
    // The API adds `tenant` to `fields=` reads (TestAccGlobalClient).
    expect(Object.keys(page.clients[0] ?? {}).sort()).toEqual(['client_id', 'name', 'tenant']);
    // Checkpoint paging answers `{clients, next}`, which the SDK types as a plain array: walk it by hand.
    type Checkpoint = { clients: { client_id: string }[]; next?: string };
    const seen: string[] = [];
    let from: string | undefined;
    do {
      const { data } = await mgmt.clients.getAll({ take: 2, ...(from ? { from } : {}) });
      const page = data as unknown as Checkpoint;
      seen.push(...page.clients.map((c) => c.client_id));
      from = page.next;
    } while (from);
    expect(seen).toEqual(page.clients.map((c) => c.client_id));
    expect(seen).toContain(client.client_id);

    expect((await mgmt.clients.delete({ client_id: client.client_id })).status).toBe(204);
    await expect(mgmt.clients.get({ client_id: client.client_id })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('lists, creates, updates and deletes client grants', async () => {
    const { data: api } = await mgmt.resourceServers.create({
      name: 'Granted API',
      identifier: 'https://granted.example',
      scopes: [{ value: 'read:things' }, { value: 'write:things' }],
    });
    const { data: client } = await mgmt.clients.create({ name: 'Granted app', app_type: 'non_interactive' });
    const { data: grant, status } = await mgmt.clientGrants.create({
      client_id: client.client_id,
      audience: 'https://granted.example',
      scope: ['read:things'],
    });
    expect(status).toBe(201);
    expect(grant).toMatchObject({
      client_id: client.client_id,
      audience: 'https://granted.example',
      scope: ['read:things'],
    });

    const scope = ['read:things', 'write:things'];
    const { data: updated } = await mgmt.clientGrants.update({ id: grant.id }, { scope });
    expect(updated.scope).toEqual(['read:things', 'write:things']);

    const { data: mine } = await mgmt.clientGrants.getAll({ client_id: client.client_id });
    expect(mine.map((g) => g.id)).toEqual([grant.id]);
    const audience = 'https://granted.example';
    const { data: page } = await mgmt.clientGrants.getAll({ include_totals: true, audience });
    expect(page).toMatchObject({ total: 1, start: 0 });
    expect(page.client_grants[0]?.id).toBe(grant.id);

    expect((await mgmt.clientGrants.delete({ id: grant.id })).status).toBe(204);
    expect((await mgmt.clientGrants.getAll({ client_id: client.client_id })).data).toEqual([]);
    await mgmt.clients.delete({ client_id: client.client_id });
    await mgmt.resourceServers.delete({ id: api.id ?? '' });
  });

  it('reads API errors as ManagementApiError with the status, error code and message', async () => {
    const missing = await mgmt.clients.get({ client_id: 'nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ManagementApiError);
    expect(missing).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      errorCode: 'inexistent_client',
      message: 'The client does not exist',
    });

    await mgmt.resourceServers.create({ name: 'Twice', identifier: 'https://twice.example' });
    const conflict = await mgmt.resourceServers
      .create({ name: 'Twice', identifier: 'https://twice.example' })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ManagementApiError);
    expect(conflict).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: 'A resource server with the same identifier already exists.',
    });
    expect((conflict as ManagementApiError).headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('reads a refused token request as AuthApiError', async () => {
    const { domain, clientId } = emu;
    const wrong = new ManagementClient({ domain, clientId, clientSecret: 'wrong', fetch: trustingFetch(agent) });
    const error = await wrong.clients.getAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ statusCode: 401, error: 'invalid_client' });
  });

  it('rides out 429s with its own retries (it retries 429 only, after 0.5 s, 1 s and 2 s)', async () => {
    // A burst of 4: two of the six parallel reads are refused at first (and a retry may be refused again).
    const limited = await startEmulator({ quiet: true, tls: true, rateLimit: '4/2' });
    const trusting = new Agent({ connect: { ca: limited.tls?.cert } });
    try {
      const { domain, clientId, clientSecret } = limited;
      const sdk = new ManagementClient({ domain, clientId, clientSecret, fetch: trustingFetch(trusting) });
      const pages = await Promise.all(Array.from({ length: 6 }, () => sdk.resourceServers.getAll()));
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const stats = await fetch(`${limited.url}/__emulator/stats`, { dispatcher: trusting });
      expect(((await stats.json()) as { rateLimited: number }).rateLimited).toBeGreaterThanOrEqual(2);
    } finally {
      await limited.close();
      await trusting.close();
    }
  });
});
