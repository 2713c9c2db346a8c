import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Key = Record<string, unknown> & { kid: string; cert: string };

async function connection(name: string, strategy: string, options: Record<string, unknown>): Promise<string> {
  const res = await emu.api('POST', '/api/v2/connections', { name, strategy, options });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

const OIDC = { client_id: 'c', issuer: 'https://idp.example', discovery_url: 'https://idp.example/.well-known/openid-configuration' };

describe('/api/v2/connections/{id}/keys', () => {
  it('provisions current and next keys once (201, then 409) and lists them', async () => {
    const id = await connection('oidc-idp', 'oidc', OIDC);
    expect((await emu.api('GET', `/api/v2/connections/${id}/keys`)).body).toEqual([]);
    const created = await emu.api('POST', `/api/v2/connections/${id}/keys`, { signing_alg: 'ES256' });
    expect(created.status).toBe(201);
    const keys = created.body as Key[];
    expect(keys.map((k) => [k.current, k.next])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(keys[0]).toMatchObject({ algorithm: 'ES256', key_use: 'signing' });
    expect(Object.keys(keys[0] ?? {})).toEqual(expect.arrayContaining(['kid', 'cert', 'pkcs', 'fingerprint', 'thumbprint', 'current_since']));
    expect(createPublicKey(keys[0]?.cert ?? '').asymmetricKeyType).toBe('ec');
    expect((await emu.api('POST', `/api/v2/connections/${id}/keys`)).status).toBe(409);
    expect((await emu.api('GET', `/api/v2/connections/${id}/keys`)).body).toEqual(keys);
    // The connection never shows them.
    expect(Object.keys((await emu.api('GET', `/api/v2/connections/${id}`)).body as Key)).not.toContain('_keys');
  });

  it('rotates a Private Key JWT connection: next becomes current, a new next key (201)', async () => {
    const id = await connection('okta-wf', 'okta', { ...OIDC, domain: 'acme.okta.com', token_endpoint_auth_method: 'private_key_jwt' });
    const before = (await emu.api('GET', `/api/v2/connections/${id}/keys`)).body as Key[];
    expect(before).toHaveLength(2);
    const rotated = await emu.api('POST', `/api/v2/connections/${id}/keys/rotate`);
    expect(rotated.status).toBe(201);
    const next = rotated.body as Key;
    expect(next).toMatchObject({ next: true, algorithm: 'RS256' });
    const after = (await emu.api('GET', `/api/v2/connections/${id}/keys`)).body as Key[];
    expect(after.find((k) => k.current === true)?.kid).toBe(before[1]?.kid);
    expect(after.find((k) => k.previous === true)?.kid).toBe(before[0]?.kid);
    expect(after.find((k) => k.next === true)?.kid).toBe(next.kid);
  });

  it('refuses other strategies and rotation without Private Key JWT', async () => {
    const db = await connection('people', 'auth0', {});
    expect(await emu.api('GET', `/api/v2/connections/${db}/keys`)).toMatchObject({
      status: 400,
      body: { message: 'keys are not available for this connection' },
    });
    expect((await emu.api('POST', `/api/v2/connections/${db}/keys/rotate`)).status).toBe(400);
    const oidc = await connection('oidc-plain', 'oidc', OIDC);
    expect(await emu.api('POST', `/api/v2/connections/${oidc}/keys/rotate`)).toMatchObject({
      status: 400,
      body: { message: 'Connection is not configured to use JWT Client Authentication' },
    });
    expect((await emu.api('GET', '/api/v2/connections/con_0000000000000000/keys')).status).toBe(404);
  });
});
