import { createHash, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
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

describe('options the server derives', () => {
  /** An identity provider's signing certificate. */
  async function certificate(): Promise<{ pem: string; sha1: string }> {
    const { cert: pem } = await generate([{ name: 'commonName', value: 'idp.example.com' }], { keyType: 'ec', curve: 'P-256' });
    return { pem, sha1: createHash('sha1').update(new X509Certificate(pem).raw).digest('hex') };
  }

  it('computes a SAML connection\'s thumbprint from its signing certificate, PEM or base64', async () => {
    const { pem, sha1 } = await certificate();
    const plain = await create({ name: 'Saml-Pem', strategy: 'samlp', options: { signingCert: pem } });
    expect(plain.options.thumbprints).toEqual([sha1]);
    const encoded = Buffer.from(pem).toString('base64');
    const b64 = await create({ name: 'Saml-B64', strategy: 'samlp', options: { signingCert: encoded } });
    expect(b64.options).toMatchObject({ signingCert: encoded, thumbprints: [sha1] });
  });

  it('keeps thumbprints the body sends, and computes them again when a PATCH replaces the options', async () => {
    const { pem, sha1 } = await certificate();
    const own = 'a'.repeat(40);
    const c = await create({ name: 'Saml-Own', strategy: 'samlp', options: { signingCert: pem, thumbprints: [own] } });
    expect(c.options.thumbprints).toEqual([own]);
    const patched = (await emu.api('PATCH', `${BASE}/${c.id}`, { options: { signingCert: pem } })).body as Obj & { options: Obj };
    expect(patched.options.thumbprints).toEqual([sha1]);
  });

  it('derives nothing from a certificate that does not parse', async () => {
    const c = await create({ name: 'Saml-Bad', strategy: 'samlp', options: { signingCert: 'not a certificate' } });
    expect(c.options.thumbprints).toBeUndefined();
  });
});
