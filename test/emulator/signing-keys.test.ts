import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

interface Key {
  kid: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  current_since?: string;
  current_until?: string;
  cert: string;
}

async function freshToken(emu: TestEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      audience: emu.audience,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const jwks = async (emu: TestEmulator) =>
  (await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

/** What a relying party does: verify against the published key set. */
async function verifies(emu: TestEmulator, token: string): Promise<boolean> {
  const set = createLocalJWKSet(await jwks(emu));
  return jwtVerify(token, set, { issuer: `https://${emu.domain}/` }).then(
    () => true,
    () => false,
  );
}

describe('emulator: signing keys', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  const keys = async () => (await emu.api('GET', '/api/v2/keys/signing')).body as Key[];

  it('starts with one current and one next key, never showing private material', async () => {
    const list = await keys();
    expect(list.filter((k) => k.current)).toHaveLength(1);
    expect(list.filter((k) => k.next)).toHaveLength(1);
    expect(JSON.stringify(list)).not.toMatch(/"d"|private/);
    expect(list[0]?.cert).toMatch(/^-----BEGIN PUBLIC KEY-----\r\n/);
    const one = await emu.api('GET', `/api/v2/keys/signing/${list[0]?.kid}`);
    expect(one.body).toEqual(list[0]);
    expect((await emu.api('GET', '/api/v2/keys/signing/nope')).status).toBe(404);
    expect((await jwks(emu)).keys.map((k) => k.kid)).toEqual([
      list.find((k) => k.current)?.kid,
      list.find((k) => k.next)?.kid,
    ]);
  });

  it('revokes only previous keys', async () => {
    const list = await keys();
    for (const k of list.filter((x) => x.current || x.next)) {
      const res = await emu.api('PUT', `/api/v2/keys/signing/${k.kid}/revoke`);
      expect(res.status).toBe(400);
    }
    expect((await emu.api('PUT', '/api/v2/keys/signing/unknown/revoke')).status).toBe(404);
  });

  it('limits rotation to 5 a day with its own bucket', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await emu.api('POST', '/api/v2/keys/signing/rotate')).status);
    expect(codes).toEqual([201, 201, 201, 201, 201, 429]);
    expect((await emu.api('GET', '/api/v2/keys/signing')).status).toBe(200);
  });

  it('stores custom signing keys: 404 when none, PUT replaces the set, refuses private members, DELETE 204', async () => {
    expect((await emu.api('GET', '/api/v2/keys/custom-signing')).status).toBe(404);
    const key = { kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB', alg: 'RS256', use: 'sig' };
    const put = await emu.api('PUT', '/api/v2/keys/custom-signing', { keys: [key] });
    expect(put).toMatchObject({ status: 200, body: { keys: [key] } });
    const priv = await emu.api('PUT', '/api/v2/keys/custom-signing', { keys: [{ ...key, d: 'secret' }] });
    expect(priv.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('Additional properties not allowed: d') });
    const many = await emu.api('PUT', '/api/v2/keys/custom-signing', { keys: Array(11).fill(key) });
    expect((many.body as { message: string }).message).toMatch(/Array is too long \(11\), maximum 10/);
    expect((await emu.api('GET', '/api/v2/keys/custom-signing')).body).toEqual({ keys: [key] });
    expect((await emu.api('DELETE', '/api/v2/keys/custom-signing')).status).toBe(204);
    expect((await emu.api('GET', '/api/v2/keys/custom-signing')).status).toBe(404);
  });

  it('back-dates keys through the control endpoint', async () => {
    const since = (await keys()).find((k) => k.current)?.current_since ?? '';
    const res = await fetch(`${emu.url}/__emulator/signing-keys/age`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 30 }),
    });
    expect(res.status).toBe(204);
    const aged = (await keys()).find((k) => k.current)?.current_since ?? '';
    expect(Date.parse(since) - Date.parse(aged)).toBe(30 * 86_400_000);
  });
});

describe('emulator: signing-key rotation seen by a token verifier', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  // Fresh tokens per call: revoking the key behind a cached token ends that token, as it should.
  const api = async (method: string, path: string) => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await freshToken(emu)}` },
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const keys = async (call: typeof api) => (await call('GET', '/api/v2/keys/signing')).body as Key[];

  it('signs tokens with the current key; after a rotation both verify until the previous key is revoked', async () => {
    const before = await freshToken(emu);
    const [current] = (await keys(api)).filter((k) => k.current);
    expect(decodeProtectedHeader(before).kid).toBe(current?.kid);
    expect(await verifies(emu, before)).toBe(true);

    const next = (await keys(api)).find((k) => k.next);
    const rotated = await api('POST', '/api/v2/keys/signing/rotate');
    expect(rotated.status).toBe(201);
    const after = await freshToken(emu);
    expect(decodeProtectedHeader(after).kid).toBe(next?.kid);
    expect(await verifies(emu, before)).toBe(true);
    expect(await verifies(emu, after)).toBe(true);

    const old = (await keys(api)).find((k) => k.kid === current?.kid);
    expect(old).toMatchObject({ current: false, previous: true, current_until: expect.any(String) });
    const revoked = await api('PUT', `/api/v2/keys/signing/${current?.kid}/revoke`);
    expect(revoked).toMatchObject({ status: 200, body: { revoked: true, revoked_at: expect.any(String) } });
    expect(await verifies(emu, before)).toBe(false);
    expect(await verifies(emu, after)).toBe(true);
    // The Management API itself stops accepting the old token too.
    const res = await fetch(`${emu.url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${before}` } });
    expect(res.status).toBe(401);
  });

});

describe('emulator: signing keys in an old state file', () => {
  it('loads a state written before signing keys existed, keeping its token key current', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-keys-'));
    const statePath = join(dir, 'state.json');
    const first = await startTestEmulator({ statePath });
    await first.close();
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    delete state.collections.signingKeys;
    delete state.collections.customSigningKeys;
    delete state.collections.networkAcls;
    await writeFile(statePath, JSON.stringify(state));
    const emu = await startTestEmulator({ statePath });
    try {
      const list = (await emu.api('GET', '/api/v2/keys/signing')).body as Key[];
      expect(list.find((k) => k.current)?.kid).toBe(state.signingKey.kid);
      expect((await emu.api('GET', '/api/v2/network-acls')).body).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
