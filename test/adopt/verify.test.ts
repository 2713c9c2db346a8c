import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const SECRET = 'verify-worker-secret-0123456789abcdef';
let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), WORKER_SECRET: SECRET };
  dir = await writeTenant({
    'tenant.yaml': `resourceServers:
  - name: Verify API
    identifier: https://verify.example/api
    scopes:
      - { value: read:things, description: Read }
      - { value: write:things, description: Write }
clients:
  - name: Verify Worker
    app_type: non_interactive
    grant_types: [client_credentials]
    client_secret: '@@WORKER_SECRET@@'
    token_quota:
      client_credentials: { enforce: true, per_hour: 100 }
clientGrants:
  - client: Verify Worker
    audience: https://verify.example/api
    scope: [read:things]
`,
    'environments/dev.yaml': 'keywords:\n  WORKER_SECRET: { env: WORKER_SECRET }\n',
  });
  const applied = await tenantctl(['apply', dir, '--env', 'dev', '--auto-approve'], { env });
  expect(applied.code).toBe(0);
});
afterAll(() => emu.close());

describe('tenantctl verify', () => {
  it('gets a token with the declared secret and checks signature, issuer, audience, scopes and quota', async () => {
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/ok +Verify Worker -> https:\/\/verify\.example\/api: signature \(kid .+\), issuer, audience and scopes verified/);
    expect(res.stdout).toMatch(/auth0-client-quota-limit: b=per_hour;q=100;r=\d+;t=\d+/);
    expect(res.stdout).not.toContain(SECRET);
    const json = JSON.parse((await tenantctl(['verify', dir, '--env', 'dev', '--output', 'json'], { env })).stdout);
    expect(json.checks[0]).toMatchObject({ client: 'Verify Worker', ok: true, scopes: ['read:things'] });
  });

  it('fails (exit 1) when the tenant holds another secret than the manifest binds', async () => {
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env: { ...env, WORKER_SECRET: 'a-different-secret-0123456789abcdef' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL Verify Worker .*refused the token \(401/);
  });

  it('fails when the token carries other scopes than the grant declares', async () => {
    const grants = (await emu.api('GET', '/api/v2/client-grants')).body as { id: string; audience: string }[];
    const grant = grants.find((g) => g.audience === 'https://verify.example/api');
    await emu.api('PATCH', `/api/v2/client-grants/${grant?.id}`, { scope: ['read:things', 'write:things'] });
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('token scopes differ from the manifest: extra write:things');
  });
});
