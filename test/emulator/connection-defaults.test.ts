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

describe('connection server defaults', () => {
  it('answers a database connection created with only name and strategy with the full default options', async () => {
    const res = await emu.api('POST', BASE, { name: 'Bare-Db', strategy: 'auth0' });
    expect(res.status).toBe(201);
    const c = res.body as Obj;
    expect(c.options).toEqual({
      mfa: { active: true, return_enroll_settings: true },
      passwordPolicy: 'good',
      passkey_options: { challenge_ui: 'both', local_enrollment_enabled: true, progressive_enrollment_enabled: true },
      strategy_version: 2,
      authentication_methods: { passkey: { enabled: false }, password: { enabled: true } },
      brute_force_protection: true,
    });
    expect(c.authentication).toEqual({ active: true });
    expect(c.connected_accounts).toEqual({ active: false });
    expect((await emu.api('GET', `${BASE}/${String(c.id)}`)).body).toEqual(c);
  });

  it('keeps the options a create sends over the defaults, and the purposes a create sets', async () => {
    const c = (
      await emu.api('POST', BASE, {
        name: 'Fair-Db',
        strategy: 'auth0',
        options: { passwordPolicy: 'fair', brute_force_protection: false },
        authentication: { active: false },
      })
    ).body as Obj & { options: Obj };
    expect(c.options).toMatchObject({ passwordPolicy: 'fair', brute_force_protection: false, strategy_version: 2 });
    expect(c.authentication).toEqual({ active: false });
  });

  it('keeps the defaults on a PATCH that does not replace them', async () => {
    const c = (await emu.api('POST', BASE, { name: 'Kept-Db', strategy: 'auth0' })).body as Obj;
    const patched = (await emu.api('PATCH', `${BASE}/${String(c.id)}`, { display_name: 'Kept' })).body as Obj;
    expect(patched.options).toEqual(c.options);
    expect(patched.connected_accounts).toEqual({ active: false });
  });

  it('gives passwordless connections their code settings and social ones their spec defaults', async () => {
    const email = (await emu.api('POST', BASE, { name: 'email', strategy: 'email' })).body as Obj;
    expect(email.options).toMatchObject({ totp: { time_step: 300, length: 6 }, brute_force_protection: true });
    const social = (await emu.api('POST', BASE, { name: 'google-oauth2', strategy: 'google-oauth2' })).body as Obj;
    expect(social.options).toEqual({ set_user_root_attributes: 'on_each_login' });
    expect(social.authentication).toEqual({ active: true });
  });

  it('seeds the default database connection with the same defaults', async () => {
    const [seeded] = (await emu.api('GET', `${BASE}?name=Username-Password-Authentication`)).body as Obj[];
    expect(seeded?.options).toMatchObject({ strategy_version: 2, passkey_options: { challenge_ui: 'both' } });
    expect(seeded?.authentication).toEqual({ active: true });
  });
});
