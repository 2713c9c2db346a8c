import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Settings = Record<string, unknown> & { flags: Record<string, boolean> };
const PATH = '/api/v2/tenants/settings';
const QUOTA = {
  clients: { client_credentials: { enforce: true, per_day: 2000, per_hour: 100 } },
  organizations: { client_credentials: { enforce: true, per_day: 4000, per_hour: 200 } },
};
const read = async () => (await emu.api('GET', PATH)).body as Settings;

describe('/api/v2/tenants/settings', () => {
  it('starts with the real defaults (hours) and GET adds sandbox_versions_available', async () => {
    const s = await read();
    expect(s).toMatchObject({
      session_lifetime: 168,
      idle_session_lifetime: 72,
      ephemeral_session_lifetime: 72,
      idle_ephemeral_session_lifetime: 24,
      enabled_locales: ['en'],
      sandbox_versions_available: ['22', '18'],
    });
    expect(s).not.toHaveProperty('default_token_quota');
    expect(s.flags.enable_sso).toBe(true);
  });

  it('a fresh tenant prints the full key set: support fields, sessions, session cookie, mtls and every flag', async () => {
    const s = await read();
    expect(s).toMatchObject({
      support_email: 'support@mycompany.org',
      support_url: 'https://mycompany.org/support',
      allowed_logout_urls: [],
      acr_values_supported: [],
      default_audience: '',
      sessions: { oidc_logout_prompt_enabled: true },
      session_cookie: { mode: 'persistent' },
      mtls: { enable_endpoint_aliases: false },
      pushed_authorization_requests_supported: false,
      customize_mfa_in_postlogin_action: false,
      allow_organization_name_in_authentication_api: false,
      change_password: { enabled: false },
    });
    for (const flag of ['remove_alg_from_jwks', 'use_scope_descriptions_for_consent', 'disable_fields_map_fix'])
      expect(s.flags[flag]).toBe(false);
    // Kept on PATCH unless replaced; null removes a default key like any other.
    await emu.api('PATCH', PATH, { support_email: 'help@acme.test', mtls: null });
    const after = await read();
    expect(after).toMatchObject({ support_email: 'help@acme.test', session_cookie: { mode: 'persistent' } });
    expect(after).not.toHaveProperty('mtls');
  });

  it('selects top-level fields with fields/include_fields', async () => {
    const only = await emu.api('GET', `${PATH}?fields=friendly_name,session_lifetime&include_fields=true`);
    expect(Object.keys(only.body as object).sort()).toEqual(['friendly_name', 'session_lifetime']);
    const without = (await emu.api('GET', `${PATH}?fields=flags&include_fields=false`)).body as object;
    expect(without).not.toHaveProperty('flags');
    expect(without).toHaveProperty('friendly_name');
  });

  it('PATCH keeps omitted keys, merges flags per key, adds transient passwordless flags', async () => {
    const res = await emu.api('PATCH', PATH, {
      friendly_name: 'Acme',
      flags: { enable_sso: false, remove_alg_from_jwks: true },
    });
    expect(res.status).toBe(200);
    const body = res.body as Settings;
    expect(body.flags).toMatchObject({
      enable_sso: false,
      remove_alg_from_jwks: true,
      allow_legacy_ro_grant_types: true,
      cannot_change_enforce_client_authentication_on_passwordless_start: true,
    });
    const after = await read();
    expect(after).toMatchObject({ friendly_name: 'Acme', session_lifetime: 168 });
    const transient = 'cannot_change_enforce_client_authentication_on_passwordless_start';
    expect(after.flags).not.toHaveProperty(transient);
    expect(after.flags.allow_legacy_ro_grant_types).toBe(true);
  });

  it('sets, keeps and (with null) removes default_token_quota', async () => {
    expect((await emu.api('PATCH', PATH, { default_token_quota: QUOTA })).body).toMatchObject({
      default_token_quota: QUOTA,
    });
    await emu.api('PATCH', PATH, { friendly_name: 'Still here' });
    expect((await read()).default_token_quota).toEqual(QUOTA);
    await emu.api('PATCH', PATH, { default_token_quota: null });
    expect(await read()).not.toHaveProperty('default_token_quota');
  });

  it('clears default_redirection_uri with an empty string and other settings with null', async () => {
    await emu.api('PATCH', PATH, {
      default_redirection_uri: 'https://acme.example/login',
      mtls: { enable_endpoint_aliases: true },
    });
    expect(await read()).toMatchObject({ default_redirection_uri: 'https://acme.example/login' });
    await emu.api('PATCH', PATH, { default_redirection_uri: '', mtls: null });
    const s = await read();
    expect(s).not.toHaveProperty('default_redirection_uri');
    expect(s).not.toHaveProperty('mtls');
  });

  it('refuses what the API refuses, with the tv4 wording', async () => {
    const bad = async (body: unknown) => (await emu.api('PATCH', PATH, body)).body;
    expect(await bad({})).toMatchObject({
      statusCode: 400,
      errorCode: 'invalid_body',
      message: "Payload validation error: 'Too few properties defined (0), minimum 1'.",
    });
    expect(await bad({ tenant_name: 'x' })).toMatchObject({
      message: "Payload validation error: 'Additional properties not allowed: tenant_name'.",
    });
    expect(await bad({ session_lifetime: 0 })).toMatchObject({
      message: "Payload validation error: 'Value 0 is less than minimum 1' on property session_lifetime.",
    });
    expect(await bad({ default_token_quota: {} })).toMatchObject({ statusCode: 400 });
    expect(
      await bad({ default_token_quota: { clients: { client_credentials: { per_hour: 0 } } } }),
    ).toMatchObject({ statusCode: 400 });
    const unknownLimit = { default_token_quota: { clients: { client_credentials: { burst: 1 } } } };
    expect(await bad(unknownLimit)).toMatchObject({
      message: expect.stringContaining('Additional properties not allowed: burst'),
    });
    expect(await bad({ enabled_locales: [] })).toMatchObject({ statusCode: 400 });
    const insecure = await bad({ default_redirection_uri: 'http://insecure.example' });
    expect(insecure).toMatchObject({ statusCode: 400 });
    expect((await read()).friendly_name).toBe('My Company');
  });
});

describe('state files from before tenant settings and organizations were emulated', () => {
  it('still load: settings start fresh and there are no organizations', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-state-')), 'state.json');
    const first = await startTestEmulator({ statePath });
    await first.api('PATCH', PATH, { friendly_name: 'Old' });
    await first.close();
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { collections: Record<string, unknown> };
    delete state.collections.tenantSettings;
    delete state.collections.organizations;
    await writeFile(statePath, JSON.stringify(state));
    const again = await startTestEmulator({ statePath });
    try {
      const settings = await again.api('GET', PATH);
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({ friendly_name: 'My Company', session_lifetime: 168 });
      expect((await again.api('GET', '/api/v2/organizations')).body).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
