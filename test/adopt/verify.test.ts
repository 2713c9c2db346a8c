import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const SECRET = 'verify-worker-secret-0123456789abcdef';
const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
};
const KEY = pair();
let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), WORKER_SECRET: SECRET, SIGNER_PUBLIC_KEY: KEY.pub, SIGNER_PRIVATE_KEY: KEY.key };
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
  - name: Verify Signer
    app_type: non_interactive
    grant_types: [client_credentials]
    credentials:
      - name: signer-2027
        pem: '@@SIGNER_PUBLIC_KEY@@'
        private_key: '@@SIGNER_PRIVATE_KEY@@'
clientGrants:
  - client: Verify Worker
    audience: https://verify.example/api
    scope: [read:things]
  - client: Verify Signer
    audience: https://verify.example/api
    scope: [read:things, write:things]
`,
    'environments/dev.yaml': `keywords:
  WORKER_SECRET: { env: WORKER_SECRET }
  SIGNER_PUBLIC_KEY: { env: SIGNER_PUBLIC_KEY, sensitive: false }
  SIGNER_PRIVATE_KEY: { env: SIGNER_PRIVATE_KEY }
`,
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

  it('signs a client assertion with the private key bound to a keyword (private_key_jwt)', async () => {
    const res = await tenantctl(['verify', dir, '--env', 'dev', '--output', 'json'], { env });
    const json = JSON.parse(res.stdout);
    const signer = json.checks.find((c: { client: string }) => c.client === 'Verify Signer');
    expect(signer).toMatchObject({ method: 'private_key_jwt', ok: true, scopes: ['read:things', 'write:things'] });
    expect(res.stdout).not.toContain('PRIVATE KEY');
    const text = await tenantctl(['verify', dir, '--env', 'dev'], { env });
    expect(text.stdout).toMatch(/ok +Verify Signer -> https:\/\/verify\.example\/api \(private_key_jwt\): signature/);
  });

  it('fails when the private key is not the one the tenant holds the public key of', async () => {
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env: { ...env, SIGNER_PRIVATE_KEY: pair().key } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL Verify Signer .*refused the token \(401 invalid_client/);
  });

  it('refuses a private key written into the manifest', async () => {
    const literal = await writeTenant({
      'tenant.yaml': `clients:\n  - name: Leaky\n    credentials:\n      - name: k\n        pem: '@@PUB@@'\n        private_key: not-a-keyword\n`,
      'environments/dev.yaml': 'keywords:\n  PUB: { env: SIGNER_PUBLIC_KEY, sensitive: false }\n',
    });
    const res = await tenantctl(['validate', literal, '--env', 'dev'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain("'credentials.0.private_key' of a client must come from an environment variable");
  });

  it('fails (exit 1) when the tenant holds another secret than the manifest binds', async () => {
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env: { ...env, WORKER_SECRET: 'a-different-secret-0123456789abcdef' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL Verify Worker .*refused the token \(401/);
  });

  it('fails when the token carries other scopes than the grant declares', async () => {
    const grants = (await emu.api('GET', '/api/v2/client-grants')).body as { id: string; audience: string; scope: string[] }[];
    const grant = grants.find((g) => g.audience === 'https://verify.example/api' && g.scope.length === 1);
    await emu.api('PATCH', `/api/v2/client-grants/${grant?.id}`, { scope: ['read:things', 'write:things'] });
    const res = await tenantctl(['verify', dir, '--env', 'dev'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('token scopes differ from the manifest: extra write:things');
  });
});
