import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const SECRETS = {
  GOOGLE_SECRET: 'google-oauth-secret-7f3a9c',
  SAML_KEY: '-----BEGIN PRIVATE KEY-----saml-private-key-e41d-----END PRIVATE KEY-----',
  ORDERS_SECRET: 'orders-client-secret-b2c8d1e0',
  API_SIGNING: 'legacy-api-hs256-signing-secret-5566',
};
const KEYWORDS = `keywords:\n${Object.keys(SECRETS).map((k) => `  ${k}: { env: ${k} }`).join('\n')}\n`;

const manifest = (googleOptions: string) =>
  [
    'resourceServers:',
    '  - name: Legacy API',
    '    identifier: https://legacy.acme.example',
    '    signing_alg: HS256',
    "    signing_secret: '@@API_SIGNING@@'",
    'clients:',
    '  - name: Orders Service',
    '    app_type: non_interactive',
    "    client_secret: '@@ORDERS_SECRET@@'",
    'connections:',
    '  - name: google',
    '    strategy: google-oauth2',
    `    options: ${googleOptions}`,
    '  - name: corp-saml',
    '    strategy: samlp',
    '    options:',
    '      signInEndpoint: https://idp.acme.example/sso',
    '      signingCert: MIIC-public-idp-cert',
    "      signing_key: { cert: MIIC-public-auth0-cert, key: '@@SAML_KEY@@' }",
    '',
  ].join('\n');

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), ...SECRETS };
  dir = await writeTenant({
    'environments/test.yaml': KEYWORDS,
    'tenant.yaml': manifest("{ client_id: google-client, client_secret: '@@GOOGLE_SECRET@@', scope: [email] }"),
  });
});
afterAll(() => emu.close());

const leaks = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

async function connection(name: string): Promise<Record<string, unknown>> {
  const list = (await emu.api('GET', '/api/v2/connections')).body as { name: string; id: string }[];
  const id = list.find((c) => c.name === name)?.id ?? '';
  return ((await emu.api('GET', `/api/v2/connections/${id}`)).body as { options: Record<string, unknown> }).options;
}

describe('secrets among the catalog fields (connection options, client and API secrets)', () => {
  it('are sent, but never appear in plan text, json, markdown or a plan file', async () => {
    const file = join(dir, 'plan.json');
    const outputs = [
      await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'json'], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'markdown'], { env }),
    ];
    for (const res of outputs) {
      expect(res.code).toBe(0);
      expect(leaks(res.stdout + res.stderr)).toEqual([]);
    }
    expect(outputs[0]?.stdout).toContain('+ connections/google');
    const saved = await readFile(file, 'utf8');
    expect(leaks(saved)).toEqual([]);
    expect(saved).toContain('"$env": "GOOGLE_SECRET"');
    expect(saved).toContain('"$env": "SAML_KEY"');

    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code).toBe(0);
    expect(leaks(applied.stdout + applied.stderr)).toEqual([]);
    expect((await connection('google')).client_secret).toBe(SECRETS.GOOGLE_SECRET);
    expect((await connection('corp-saml')).signing_key).toEqual({ cert: 'MIIC-public-auth0-cert', key: SECRETS.SAML_KEY });
  });

  it('are never compared: a secret changed in the tenant plans nothing and is not printed', async () => {
    const list = (await emu.api('GET', '/api/v2/connections')).body as { name: string; id: string }[];
    const id = list.find((c) => c.name === 'google')?.id ?? '';
    const options = await connection('google');
    await emu.api('PATCH', `/api/v2/connections/${id}`, { options: { ...options, client_secret: 'rotated-by-hand-9911' } });
    const drift = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(drift.stdout).toContain('No changes.');
    expect(drift.stdout).not.toContain('rotated-by-hand-9911');
    await emu.api('PATCH', `/api/v2/connections/${id}`, { options });
  });

  it('a secret the manifest leaves out survives an options change (PATCH replaces options whole)', async () => {
    await writeFile(join(dir, 'tenant.yaml'), manifest('{ client_id: google-client, scope: [email, profile] }'));
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.stdout).toContain('~ connections/google');
    expect(leaks(plan.stdout)).toEqual([]);
    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(applied.code).toBe(0);
    expect(leaks(applied.stdout + applied.stderr)).toEqual([]);
    const options = await connection('google');
    expect(options.scope).toEqual(['email', 'profile']);
    expect(options.client_secret).toBe(SECRETS.GOOGLE_SECRET);
  });

  it('never appear in validation errors, and literal ones are refused', async () => {
    const bad = await writeTenant({
      'environments/test.yaml': 'keywords:\n  LONG: { env: LONG }\n',
      'tenant.yaml': [
        'connections:',
        '  - name: google',
        '    strategy: google-oauth2',
        "    options: { client_secret: '@@LONG@@' }",
        '  - name: okta',
        '    strategy: okta',
        '    options: { domain: acme.okta.com, client_secret: written-in-git-0001 }',
        '',
      ].join('\n'),
    });
    const long = `too-long-secret-${'x'.repeat(300)}`;
    const res = await tenantctl(['validate', bad, '--env', 'test'], { env: { ...env, LONG: long } });
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain(long);
    expect(res.stderr).toMatch(/connections\/google: 'options\.client_secret' must be at most 255 characters long/);
    expect(res.stderr).toContain(
      "tenant.yaml:7:54 error [literal_secret] connections/okta: 'options.client_secret' of a connection must come from an environment variable",
    );
  });
});
