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

async function create(body: Obj): Promise<Obj & { id: string; options: Obj }> {
  const res = await emu.api('POST', BASE, body);
  expect(res.status).toBe(201);
  return res.body as Obj & { id: string; options: Obj };
}

describe('per-strategy option defaults from the spec', () => {
  it('answers a bare google-oauth2 connection with the spec default for root attributes', async () => {
    const c = await create({ name: 'google-oauth2', strategy: 'google-oauth2' });
    expect(c.options).toEqual({ set_user_root_attributes: 'on_each_login' });
    expect((await emu.api('GET', `${BASE}/${c.id}`)).body).toEqual(c);
  });

  it('answers a bare samlp connection with the spec defaults', async () => {
    const c = await create({ name: 'Bare-Saml', strategy: 'samlp' });
    expect(c.options).toEqual({ set_user_root_attributes: 'on_each_login' });
  });

  it('answers a bare oidc connection as a front-channel one, and okta as back-channel', async () => {
    const oidc = await create({ name: 'Bare-Oidc', strategy: 'oidc' });
    expect(oidc.options).toEqual({ set_user_root_attributes: 'on_each_login', type: 'front_channel' });
    const okta = await create({ name: 'Bare-Okta', strategy: 'okta' });
    expect(okta.options).toMatchObject({ type: 'back_channel' });
  });

  it('answers a bare waad connection with the v2 identity platform and no group or profile extensions', async () => {
    const c = await create({ name: 'Bare-Waad', strategy: 'waad' });
    expect(c.options).toMatchObject({
      identity_api: 'microsoft-identity-platform-v2.0',
      useCommonEndpoint: false,
      waad_protocol: 'openid-connect',
      should_trust_email_verified_connection: 'never_set_emails_as_verified',
      ext_groups: false,
      ext_profile: false,
    });
  });

  it('gives github the profile scope only', async () => {
    const c = await create({ name: 'github', strategy: 'github' });
    expect(c.options.profile).toBe(true);
    expect(c.options.repo).toBe(false);
  });

  it('lets the body win key by key over the defaults', async () => {
    const c = await create({
      name: 'Own-Waad',
      strategy: 'waad',
      options: { identity_api: 'azure-active-directory-v1.0', ext_groups: true, tenant_domain: 'example.com' },
    });
    expect(c.options).toMatchObject({
      identity_api: 'azure-active-directory-v1.0',
      ext_groups: true,
      tenant_domain: 'example.com',
      ext_profile: false,
      useCommonEndpoint: false,
    });
  });

  it('keeps the defaults on a PATCH without options, and drops them when a PATCH replaces options whole', async () => {
    const c = await create({ name: 'Patched-Oidc', strategy: 'oidc' });
    const kept = (await emu.api('PATCH', `${BASE}/${c.id}`, { display_name: 'Kept' })).body as Obj;
    expect(kept.options).toEqual(c.options);
    const replaced = await emu.api('PATCH', `${BASE}/${c.id}`, { options: { type: 'back_channel' } });
    expect(replaced.status).toBe(200);
    expect((replaced.body as Obj).options).toEqual({ type: 'back_channel' });
  });

  it('adds no spec defaults to a strategy the spec gives none (custom)', async () => {
    const c = await create({ name: 'Bare-Custom', strategy: 'custom' });
    expect(c.options).toEqual({});
  });
});
