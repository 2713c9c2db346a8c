import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * A mobile app as a team moving from the existing deploy tool has it in its files: every setting the tool
 * passes through, written from the Management API's documented client fields. The add-on's private key
 * comes from the environment, as every secret must.
 */
const FIREBASE_KEY = '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANfirebase-test-key\\n-----END PRIVATE KEY-----\\n';

const CLIENT = `clients:
  - name: Acme Mobile
    description: iOS and Android shopping app
    app_type: native
    is_first_party: true
    oidc_conformant: true
    token_endpoint_auth_method: none
    grant_types: [authorization_code, refresh_token]
    callbacks:
      - com.acme.shop://acme.eu.auth0.com/ios/com.acme.shop/callback
      - com.acme.shop://acme.eu.auth0.com/android/com.acme.shop/callback
    allowed_logout_urls: [com.acme.shop://logout]
    allowed_origins: []
    web_origins: []
    client_aliases: []
    initiate_login_uri: https://shop.acme.example/login
    sso_disabled: false
    cross_origin_authentication: false
    custom_login_page_on: true
    jwt_configuration:
      alg: RS256
      lifetime_in_seconds: 36000
      secret_encoded: false
    refresh_token:
      rotation_type: rotating
      expiration_type: expiring
      leeway: 0
      token_lifetime: 2592000
      infinite_token_lifetime: false
      idle_token_lifetime: 1296000
      infinite_idle_token_lifetime: false
    native_social_login:
      apple: { enabled: true }
      facebook: { enabled: false }
      google: { enabled: true }
    mobile:
      ios:
        team_id: 9JA89QQLNQ
        app_bundle_identifier: com.acme.shop
      android:
        app_package_name: com.acme.shop
        sha256_cert_fingerprints:
          - D8:A0:83:5D:6B:3A:11:7E:52:1B:9C:0E:4F:2A:7B:3D:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00
    oidc_logout:
      backchannel_logout_urls: [https://shop.acme.example/backchannel-logout]
      backchannel_logout_initiators:
        mode: custom
        selected_initiators: [rp-logout, idp-logout, session-expired]
    organization_usage: allow
    organization_require_behavior: pre_login_prompt
    addons:
      firebase:
        client_email: shop-tokens@acme-shop.iam.gserviceaccount.com
        private_key_id: 4b1f2c3d
        private_key: '@@FIREBASE_PRIVATE_KEY@@'
        lifetime_in_seconds: 3600
    client_metadata:
      owner: mobile-team
`;

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), FIREBASE_PRIVATE_KEY: FIREBASE_KEY };
  dir = await writeTenant({
    'environments/test.yaml': 'keywords:\n  FIREBASE_PRIVATE_KEY: { env: FIREBASE_PRIVATE_KEY }\n',
    'clients.yaml': CLIENT,
  });
});
afterAll(() => emu.close());

describe('a deploy-tool-style client item', () => {
  it('validates, applies, and re-plans empty', async () => {
    const validate = await tenantctl(['validate', dir, '--env', 'test'], { env });
    expect(validate.stdout + validate.stderr).not.toMatch(/error/);
    expect(validate.code).toBe(0);

    const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('+ clients/Acme Mobile');
    expect(apply.stdout + apply.stderr).not.toContain('firebase-test-key');

    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(again.code).toBe(0);
  });

  it('lands every setting on the client, the add-on key included', async () => {
    const clients = (await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[];
    const app = clients.find((c) => c.name === 'Acme Mobile');
    expect(app).toMatchObject({
      initiate_login_uri: 'https://shop.acme.example/login',
      organization_usage: 'allow',
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', idle_token_lifetime: 1296000 },
      native_social_login: { apple: { enabled: true }, google: { enabled: true } },
      mobile: { ios: { team_id: '9JA89QQLNQ' }, android: { app_package_name: 'com.acme.shop' } },
      oidc_logout: { backchannel_logout_initiators: { mode: 'custom' } },
      addons: { firebase: { private_key: FIREBASE_KEY, lifetime_in_seconds: 3600 } },
    });
  });

  it('refuses an add-on private key written into the file', async () => {
    const literal = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'clients.yaml': CLIENT.replace("'@@FIREBASE_PRIVATE_KEY@@'", 'pasted-private-key-text'),
    });
    const res = await tenantctl(['validate', literal, '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("'addons.firebase.private_key' of a client must come from an environment variable");
    expect(res.stdout + res.stderr).not.toContain('pasted-private-key-text');
  });
});
