import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

interface Machine {
  client_id: string;
  client_secret: string;
  audience: string;
}

async function machineClient(tokenQuota: unknown): Promise<Machine> {
  const api = await emu.api('POST', '/api/v2/resource-servers', { name: 'Quota API', identifier: `https://quota/${Math.random()}` });
  const audience = (api.body as { identifier: string }).identifier;
  const created = await emu.api('POST', '/api/v2/clients', {
    name: `Quota ${Math.random()}`,
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    ...(tokenQuota === undefined ? {} : { token_quota: tokenQuota }),
  });
  const client = created.body as { client_id: string; client_secret: string };
  await emu.api('POST', '/api/v2/client-grants', { client_id: client.client_id, audience, scope: [] });
  return { ...client, audience };
}

async function token(client: Machine) {
  return fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...client }),
  });
}

describe('token quotas at /oauth/token', () => {
  it('counts tokens against a client quota, sends Auth0-Client-Quota-Limit, and refuses past it', async () => {
    const client = await machineClient({ client_credentials: { enforce: true, per_hour: 2 } });
    const first = await token(client);
    expect(first.status).toBe(200);
    expect(first.headers.get('auth0-client-quota-limit')).toMatch(/^b=per_hour;q=2;r=1;t=\d+$/);
    expect((await token(client)).headers.get('auth0-client-quota-limit')).toMatch(/r=0/);
    const third = await token(client);
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: 'too_many_requests' });
    expect(third.headers.get('auth0-client-quota-limit')).toMatch(/q=2;r=0/);
  });

  it('reports but does not refuse when the quota is not enforced', async () => {
    const client = await machineClient({ client_credentials: { enforce: false, per_day: 1 } });
    expect((await token(client)).status).toBe(200);
    const second = await token(client);
    expect(second.status).toBe(200);
    expect(second.headers.get('auth0-client-quota-limit')).toMatch(/^b=per_day;q=1;r=0;t=\d+$/);
  });

  it('sends no quota header for a client without a quota when the tenant has no default', async () => {
    const client = await machineClient(undefined);
    const res = await token(client);
    expect(res.status).toBe(200);
    expect(res.headers.get('auth0-client-quota-limit')).toBeNull();
  });
});
