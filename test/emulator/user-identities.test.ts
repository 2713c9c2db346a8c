import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { insufficientScope, scopedApi } from '../helpers/scoped.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown>;

async function newUser(email: string, on: TestEmulator = emu): Promise<Obj> {
  const res = await on.api('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email,
    password: 'Correct-Horse-9-Battery',
    given_name: email.split('@')[0],
    app_metadata: { tier: 'x' },
  });
  expect(res.status).toBe(201);
  return res.body as Obj;
}

const enc = (u: Obj) => encodeURIComponent(String(u.user_id));
const localId = (u: Obj) => String(u.user_id).replace('auth0|', '');

describe('/users/{id}/identities', () => {
  it('links another user: it disappears and its identity, with its profile, joins the primary', async () => {
    const primary = await newUser('main@example.com');
    const secondary = await newUser('second@example.com');
    const res = await emu.api('POST', `/api/v2/users/${enc(primary)}/identities`, { provider: 'auth0', user_id: localId(secondary) });
    expect(res.status).toBe(201);
    const identities = res.body as Obj[];
    expect(identities).toHaveLength(2);
    expect(identities[1]).toMatchObject({
      provider: 'auth0',
      user_id: localId(secondary),
      connection: 'Username-Password-Authentication',
      profileData: { email: 'second@example.com', given_name: 'second' },
    });
    expect((identities[1]?.profileData as Obj).app_metadata).toBeUndefined();
    expect((await emu.api('GET', `/api/v2/users/${enc(secondary)}`)).status).toBe(404);
    expect(((await emu.api('GET', `/api/v2/users/${enc(primary)}`)).body as Obj).identities).toEqual(identities);
    const search = (await emu.api('GET', '/api/v2/users-by-email?email=second%40example.com')).body as Obj[];
    expect(search).toEqual([]);
  });

  it('unlinks: the identity becomes a user again and the primary keeps the rest', async () => {
    const primary = await newUser('main@example.com');
    const secondary = await newUser('second@example.com');
    await emu.api('POST', `/api/v2/users/${enc(primary)}/identities`, { provider: 'auth0', user_id: localId(secondary) });
    const res = await emu.api('DELETE', `/api/v2/users/${enc(primary)}/identities/auth0/${encodeURIComponent(localId(secondary))}`);
    expect(res.status).toBe(200);
    expect((res.body as Obj[]).map((i) => i.user_id)).toEqual([localId(primary)]);
    const back = await emu.api('GET', `/api/v2/users/${enc(secondary)}`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      user_id: secondary.user_id,
      email: 'second@example.com',
      given_name: 'second',
      identities: [{ provider: 'auth0', user_id: localId(secondary), connection: 'Username-Password-Authentication' }],
    });
    expect((back.body as Obj).identities).toEqual([expect.not.objectContaining({ profileData: expect.anything() })]);
    const main = await emu.api('DELETE', `/api/v2/users/${enc(primary)}/identities/auth0/${encodeURIComponent(localId(primary))}`);
    expect(main.status).toBe(400);
    expect((main.body as Obj).message).toBe('Main identity cannot be removed.');
    expect((await emu.api('DELETE', `/api/v2/users/${enc(primary)}/identities/carrier/x`)).status).toBe(400);
    expect((await emu.api('DELETE', '/api/v2/users/auth0%7Cnobody/identities/auth0/x')).status).toBe(404);
  });

  it('answers the API errors for what cannot be linked', async () => {
    const primary = await newUser('main@example.com');
    const secondary = await newUser('second@example.com');
    const link = (body: unknown, user = primary) => emu.api('POST', `/api/v2/users/${enc(user)}/identities`, body);
    const refused = async (body: unknown, status: number, message: string | RegExp) => {
      const res = await link(body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect((res.body as Obj).message).toMatch(message);
    };
    await refused({ link_with: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' }, 400, 'Invalid token (link_with).');
    await refused({ provider: 'auth0', user_id: localId(primary) }, 400, 'Main identity and the new one are the same.');
    await refused({ provider: 'auth0', user_id: 'ghost' }, 400, 'Linking to an inexistent identity requires a connection.');
    await refused({ provider: 'carrier-pigeon', user_id: 'x' }, 400, /provider/);
    await refused({ user_id: 'x' }, 400, /provider/);
    await refused({ provider: 'auth0', user_id: 'x', connection_id: 'con_0000000000000000' }, 400, 'The provider/connection is not configured.');
    expect((await link({ provider: 'auth0', user_id: localId(secondary) })).status).toBe(201);
    await refused({ provider: 'auth0', user_id: localId(secondary) }, 409, 'Specified identity already exists.');
    expect((await emu.api('POST', '/api/v2/users/auth0%7Cnobody/identities', { provider: 'auth0', user_id: 'x' })).status).toBe(404);
  });

  it('needs update:users', async () => {
    const primary = await newUser('main@example.com');
    const reader = await scopedApi(emu, ['read:users']);
    const res = await reader('POST', `/api/v2/users/${enc(primary)}/identities`, { provider: 'auth0', user_id: 'x' });
    expect(res.body).toEqual(insufficientScope('update:users,update:current_user_identities'));
  });

  it('a link survives a restart from the state file', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-link-')), 'tenant.json');
    let own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
    try {
      const primary = await newUser('main@example.com', own);
      const secondary = await newUser('second@example.com', own);
      await own.api('POST', `/api/v2/users/${enc(primary)}/identities`, { provider: 'auth0', user_id: localId(secondary) });
      await own.close();
      own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
      expect((await own.api('GET', `/api/v2/users/${enc(secondary)}`)).status).toBe(404);
      const user = (await own.api('GET', `/api/v2/users/${enc(primary)}`)).body as Obj;
      expect((user.identities as Obj[]).map((i) => i.user_id)).toEqual([localId(primary), localId(secondary)]);
    } finally {
      await own.close();
    }
  });
});
