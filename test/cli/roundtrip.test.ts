import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const ENV = 'environments/test.yaml';

async function roundTrip(files: Record<string, string>) {
  const dir = await writeTenant({ [ENV]: 'keywords: {}\n', ...files });
  const first = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
  expect(first.stderr).not.toContain('Error');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/Apply complete: \d+ added/);
  const second = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
  expect(second.stdout).toContain('No changes. The tenant matches the manifests.');
  expect(second.code).toBe(0);
  return { dir, first, second };
}

describe('apply then re-plan is empty', () => {
  it('resource servers with scopes and settings', async () => {
    const { first } = await roundTrip({
      'apis.yaml': `resourceServers:
  - name: Billing API
    identifier: https://billing.rt.example
    signing_alg: RS256
    token_lifetime: 7200
    token_dialect: access_token_authz
    enforce_policies: true
    allow_offline_access: true
    skip_consent_for_verifiable_first_party_clients: true
    scopes:
      - { value: write:invoices, description: Write invoices }
      - { value: read:invoices }
`,
    });
    expect(first.stdout).toContain('+ resourceServers/https://billing.rt.example');
    const list = await emu.api('GET', '/api/v2/resource-servers');
    const api = (list.body as { identifier: string; token_lifetime: number; scopes: unknown[] }[]).find(
      (r) => r.identifier === 'https://billing.rt.example',
    );
    expect(api?.token_lifetime).toBe(7200);
    expect(api?.scopes).toHaveLength(2);
  });

  it('clients with lists, nested jwt settings and metadata', async () => {
    await roundTrip({
      'clients.yaml': `clients:
  - name: RT Web
    app_type: regular_web
    description: round trip
    callbacks: [https://rt.example/cb, https://rt.example/alt]
    allowed_logout_urls: [https://rt.example]
    web_origins: [https://rt.example]
    allowed_origins: [https://rt.example]
    grant_types: [authorization_code, refresh_token]
    token_endpoint_auth_method: client_secret_basic
    jwt_configuration: { alg: RS256, lifetime_in_seconds: 600 }
    client_metadata: { team: web, tier: gold }
    oidc_conformant: true
    is_first_party: true
`,
    });
  });

  it('client grants, including a user grant next to a client grant for the same API', async () => {
    await roundTrip({
      'all.yaml': `resourceServers:
  - { name: Ledger, identifier: https://ledger.rt.example, scopes: [{ value: read }, { value: write }] }
clients:
  - { name: Ledger Worker, app_type: non_interactive, grant_types: [client_credentials] }
clientGrants:
  - { client: Ledger Worker, audience: https://ledger.rt.example, scope: [write, read] }
  - { client: Ledger Worker, audience: https://ledger.rt.example, scope: [read], subject_type: user }
`,
    });
    const grants = await emu.api('GET', '/api/v2/client-grants?audience=https%3A%2F%2Fledger.rt.example');
    expect((grants.body as unknown[]).length).toBe(2);
  });
});
