import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
// Node key objects, not WebCrypto ones: those are bound to one algorithm, and the tests sign with several.
const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: KeyObject, type: 'spki' | 'pkcs8') => k.export({ type, format: 'pem' }).toString();
let clientId: string;

/** A machine-to-machine client that authenticates with a public key only, granted read:clients. */
beforeAll(async () => {
  emu = await startTestEmulator();
  const created = await emu.api('POST', '/api/v2/clients', {
    name: 'Keyed deployer',
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    client_authentication_methods: {
      private_key_jwt: {
        credentials: [{ credential_type: 'public_key', name: 'ci', pem: pem(key.publicKey, 'spki') }],
      },
    },
  });
  expect(created.status).toBe(201);
  clientId = (created.body as { client_id: string }).client_id;
  const grant = await emu.api('POST', '/api/v2/client-grants', {
    client_id: clientId,
    audience: emu.audience,
    scope: ['read:clients'],
  });
  expect(grant.status).toBe(201);
});
afterAll(() => emu.close());

async function assertion(
  claims: { aud?: string; exp?: string; iss?: string; jti?: string } = {},
  options: { alg?: string; signWith?: KeyObject } = {},
): Promise<string> {
  const alg = options.alg ?? 'RS256';
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(claims.iss ?? clientId)
    .setSubject(claims.iss ?? clientId)
    .setAudience(claims.aud ?? `https://${emu.domain}/`)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '1m')
    .setJti(claims.jti ?? randomUUID())
    .sign(options.signWith ?? key.privateKey);
}

async function exchange(clientAssertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      audience: emu.audience,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Private Key JWT at /oauth/token', () => {
  it('issues a token for an assertion signed with a registered credential, once', async () => {
    const signed = await assertion();
    const ok = await exchange(signed);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ scope: 'read:clients', token_type: 'Bearer', expires_in: 86400 });
    const listed = await fetch(`${emu.url}/api/v2/clients`, {
      headers: { authorization: `Bearer ${ok.body.access_token as string}` },
    });
    expect(listed.status).toBe(200);

    const replay = await exchange(signed);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  it('refuses assertions with the wrong audience, key, algorithm or lifetime', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const refused = [
      await assertion({ aud: `https://${emu.domain}/oauth/token` }),
      await assertion({}, { signWith: other.privateKey }),
      await assertion({}, { alg: 'PS256' }),
      await assertion({ exp: '10m' }),
      await assertion({ exp: '-1m' }),
      await assertion({ iss: emu.clientId }),
      'not.a.jwt',
    ];
    for (const signed of refused) {
      const res = await exchange(signed);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    }
  });

  it('lets tenantctl log in with AUTH0_CLIENT_ASSERTION_KEY_FILE', async () => {
    const dir = await writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients: []\n' });
    const keyFile = join(dir, 'deployer.key');
    await writeFile(keyFile, pem(key.privateKey, 'pkcs8'));
    const res = await tenantctl(['plan', dir, '--env', 'test'], {
      env: { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_ASSERTION_KEY_FILE: keyFile },
    });
    expect(res.stderr).not.toContain('Error');
    expect(res.code).toBe(0);
  });
});
